"""Can SERT reverse transport be of second order in releaser occupancy, as NET's is (sim/kinetics/transporters.py)?
For ``serotonin.efflux_hill`` = 1 and 2 this scans ``serotonin.k_efflux`` and prints the three rat 5-HT rows that
bound it (sim/validation/transmitters.py: Baumann et al. 2008 1 mg/kg and 3 mg/kg i.v., bands 3-5x and 8-12x;
Gudelsky & Nash 1996 10 mg/kg i.p., band 5-15x). With order 2 the dose-response is too steep: no rate constant
puts 1 mg/kg and 10 mg/kg in their bands together, so the 5-HT terminal keeps order 1 (serotonin.py).

    python tools/efflux_order_sert_check.py
"""

from sim.validation.transmitters import baumann_2008_fold, peak_fold

SCAN = {1.0: (300.0, 440.0, 600.0), 2.0: (700.0, 1000.0, 1300.0, 1600.0)}
BANDS = ((3.0, 5.0), (8.0, 12.0), (5.0, 15.0))


def main():
    print("| efflux_hill | k_efflux (1/h) | 1 mg/kg i.v. (3-5x) | 3 mg/kg i.v. (8-12x) | 10 mg/kg i.p. (5-15x) | "
          "all in band |")
    print("|---|---|---|---|---|---|")
    for hill, rates in SCAN.items():
        for k in rates:
            ov = (("serotonin.efflux_hill", hill), ("serotonin.k_efflux", k))
            v = (baumann_2008_fold("ec_serotonin", False, ov), baumann_2008_fold("ec_serotonin", True, ov),
                 peak_fold("ec_serotonin", 10.0, "ip", overrides=ov))
            ok = all(lo <= x <= hi for x, (lo, hi) in zip(v, BANDS, strict=True))
            print(f"| {hill:g} | {k:g} | {v[0]:.2f} | {v[1]:.2f} | {v[2]:.1f} | {'yes' if ok else 'no'} |", flush=True)


if __name__ == "__main__":
    main()
