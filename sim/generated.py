"""Import of generated Python modules (model right-hand sides, analytic Jacobians) by file path.

A module of its own so that the solver layer (its compile-ahead child) can import generated code
without importing the model layer.
"""

import importlib.util
import sys


def load_generated(path):
    """Import the generated module at ``path`` once per process (named after its file)."""
    name = f"_sim_generated_{path.stem}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module
