"""Cells shared among OS threads that meet at a barrier every step (the spiking kernels' threads).

A kernel that runs on k threads gives each thread a contiguous range of cells; all threads run the
same nogil numba function, started by :func:`run_threads`, and meet at :func:`barrier` once per
step (between updating their cells and delivering the step's spikes). A thread delivers every
spike only to the targets it owns: with CSR rows sorted by target, that part of a row is the slice
``split[t, j]:split[t + 1, j]`` of :func:`row_splits`. Every target then receives the same
additions in the same order as in a serial run, so results do not depend on the thread count.

The barrier spins on atomic integers, because a step (microseconds) is shorter than the cost of
starting a numba parallel region; after :data:`SPIN` reads a waiting thread yields its core (a
thread that kept spinning on a busy machine would hold up the very thread it waits for).
"""

from __future__ import annotations

import threading

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic


def _array_pointer(context, builder, aryty, ary, idx):
    return cgutils.get_item_pointer(context, builder, aryty, context.make_array(aryty)(context, builder, ary),
                                    [idx])


@intrinsic
def _atomic_add(typingctx, arr, idx, val):
    """``arr[idx] += val`` as one sequentially consistent atomic operation; returns the old value."""
    if not (isinstance(arr, types.Array) and arr.dtype == types.int64):
        return None
    sig = types.int64(arr, types.intp, types.int64)

    def codegen(context, builder, signature, args):
        ptr = _array_pointer(context, builder, signature.args[0], args[0], args[1])
        return builder.atomic_rmw("add", ptr, args[2], "seq_cst")
    return sig, codegen


@intrinsic
def _atomic_load(typingctx, arr, idx):
    """``arr[idx]`` read atomically (acquire): never hoisted out of a spin loop."""
    if not (isinstance(arr, types.Array) and arr.dtype == types.int64):
        return None
    sig = types.int64(arr, types.intp)

    def codegen(context, builder, signature, args):
        ptr = _array_pointer(context, builder, signature.args[0], args[0], args[1])
        return builder.load_atomic(ptr, "acquire", 8)
    return sig, codegen


@intrinsic
def _sched_yield(typingctx):
    """POSIX ``sched_yield()``: give the core to another thread (a waiting thread that keeps spinning
    on a busy machine would hold up the very thread it waits for)."""
    sig = types.int32()

    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(32), [])
        return builder.call(cgutils.get_or_insert_function(builder.module, fnty, "sched_yield"), [])
    return sig, codegen


SPIN = 2000  # atomic reads before a waiting thread starts yielding its core


@njit(cache=True)
def barrier(bar, n_threads):
    """Wait until all ``n_threads`` threads have arrived (``bar``: [arrived, generation], int64)."""
    generation = _atomic_load(bar, 1)
    if _atomic_add(bar, 0, 1) == n_threads - 1:
        _atomic_add(bar, 0, -n_threads)
        _atomic_add(bar, 1, 1)
    else:
        spins = 0
        while _atomic_load(bar, 1) == generation:
            spins += 1
            if spins > SPIN:
                _sched_yield()


@njit(cache=True)
def row_splits(indptr, indices, bounds):
    """(threads + 1, cells): where each CSR row's targets reach each thread's first cell."""
    n_threads = bounds.shape[0] - 1
    n = indptr.shape[0] - 1
    split = np.empty((n_threads + 1, n), dtype=np.int64)
    for j in range(n):
        s = indptr[j]
        for t in range(n_threads):
            while s < indptr[j + 1] and indices[s] < bounds[t]:
                s += 1
            split[t, j] = s
        split[n_threads, j] = indptr[j + 1]
    return split


def rows_sorted(indptr, indices) -> bool:
    """Whether every CSR row lists its targets in increasing order."""
    d = np.diff(indices)
    return bool(np.all((d >= 0) | ~within_rows(indptr, d.size)))


def within_rows(indptr, m):
    """Mask over consecutive pairs (s, s + 1) of synapses: True where both are in one row."""
    mask = np.ones(m, dtype=bool)
    ends = indptr[1:-1] - 1
    mask[ends[(ends >= 0) & (ends < m)]] = False
    return mask


@njit(inline="always")
def deliver_owned(t, spk, nspk, split, indices, weights, inhibitory, ge, gi):
    """Thread ``t`` delivers every thread's spikes of this step (``spk[u, :nspk[u]]``, thread by
    thread, each in cell order) to the targets it owns: along ``split[t, j]:split[t + 1, j]`` of
    spiking cell j's CSR row, adding the weights to g_i (inhibitory j) or g_e."""
    for u in range(nspk.shape[0]):
        for k in range(nspk[u]):
            j = spk[u, k]
            if inhibitory[j]:
                for s in range(split[t, j], split[t + 1, j]):
                    gi[indices[s]] += weights[s]
            else:
                for s in range(split[t, j], split[t + 1, j]):
                    ge[indices[s]] += weights[s]


def run_threads(n_threads: int, work) -> None:
    """Run ``work(t)`` for t = 0 .. n_threads - 1, each on its own thread (t = 0 on this one)."""
    others = [threading.Thread(target=work, args=(t,), daemon=True) for t in range(1, n_threads)]
    for th in others:
        th.start()
    work(0)
    for th in others:
        th.join()
