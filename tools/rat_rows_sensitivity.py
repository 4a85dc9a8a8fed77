"""How the rat microdialysis rows of ``sim validate transmitters`` respond to the parameters that could move
them (run by hand; prints a table): Koch & Galloway's
DA peak and Gudelsky & Nash's 5-HT peak and its timing, next to the rows they trade off against.

Each scenario changes parameters through ``[subject]`` overrides, so only parameters that the
drug-free steady state does not depend on can be varied here (release and uptake-side constants and
PK); feedback constants (``ka_term``, ``g_soma``, ``g_facil``) set the derived rate constants and are
varied by editing ``sim/kinetics/<transmitter>.py``.

    python tools/rat_rows_sensitivity.py
"""

from sim.validation import pk
from sim.validation import transmitters as tr


def rat_cmax(overrides):
    return pk.rat("cmax", 2.0, "ip", overrides=overrides)


ROWS = (
    ("5-HT 1 mg/kg i.v.", "3-5", lambda o: tr.baumann_2008_fold("ec_serotonin", False, o)),
    ("5-HT then 3 mg/kg i.v.", "8-12", lambda o: tr.baumann_2008_fold("ec_serotonin", True, o)),
    ("KG DA %", "250-750", lambda o: tr.koch_galloway_da(False, o)),
    ("KG fluox ratio", "0.6-0.9", lambda o: tr.koch_galloway_da(True, o) / tr.koch_galloway_da(False, o)),
    ("5-HT 10 mg/kg i.p.", "5-15", lambda o: tr.peak_fold("ec_serotonin", 10.0, "ip", overrides=o)),
    ("5-HT peak time i.p. (h)", "0.3-2", lambda o: tr.peak_time("ec_serotonin", 10.0, overrides=o)),
    ("5-HT/DA 10 mg/kg i.p.", ">= 1", lambda o: tr.peak_fold("ec_serotonin", 10.0, "ip", overrides=o)
     / tr.peak_fold("ec_dopamine", 10.0, "ip", overrides=o)),
    ("rat Cmax 2 mg/kg i.p.", "130-270", lambda o: rat_cmax(o)),
)

SCENARIOS = (
    ("as calibrated", ()),
    ("DA k_efflux 6400 /h", (("dopamine.k_efflux", 6400.0),)),
    ("DA k_efflux 25600 /h", (("dopamine.k_efflux", 25600.0),)),
    ("DA g_vesicle 1 (as 5-HT)", (("dopamine.g_vesicle", 1.0),)),
    ("5-HT k_efflux 480 /h", (("serotonin.k_efflux", 480.0),)),
    ("5-HT k_efflux 320 /h", (("serotonin.k_efflux", 320.0),)),
    ("MDMA SERT/DAT at Rothman 2001 EC50s", (("serotonin.mdma_k_sert", 0.0566), ("dopamine.mdma_k_dat", 0.376))),
    ("i.p./s.c. absorption t1/2 2 min", (("pk.ka_depot", 20.0),)),
    ("i.p./s.c. absorption t1/2 7 min", (("pk.ka_depot", 6.0),)),
    ("i.p./s.c. absorption t1/2 28 min", (("pk.ka_depot", 1.5),)),
)


def main():
    width = max(len(name) for name, _ in SCENARIOS)
    print(" " * width + "".join(f"{name:>24}" for name, _, _ in ROWS))
    print(f"{'band':<{width}}" + "".join(f"{band:>24}" for _, band, _ in ROWS))
    for name, overrides in SCENARIOS:
        print(f"{name:<{width}}" + "".join(f"{fn(overrides):>24.3g}" for _, _, fn in ROWS), flush=True)


if __name__ == "__main__":
    main()
