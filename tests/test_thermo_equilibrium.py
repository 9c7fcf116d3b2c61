"""nakcell's own equilibrium engine against pycalphad on the same TDB, across the diagram."""

import pytest

from nakcell.errors import NakcellInputError
from nakcell.thermo.equilibrium import equilibrium_point, parse_composition, x_to_wt


@pytest.mark.parametrize(
    ("x_na", "T"),
    [
        (0.50, 250.0),  # below the eutectic: (K) + Na2K
        (0.80, 275.0),  # below the peritectic: Na2K + (Na)
        (0.90, 300.0),  # (Na) + liquid
        (0.10, 320.0),  # liquid + (K)
        (0.45, 330.0),  # liquid
        (0.30, 265.0),  # liquid + Na2K? (between eutectic and peritectic)
    ],
)
def test_phase_fractions_agree_with_pycalphad(x_na, T):
    ours = equilibrium_point("Na-K", x_na, T)
    theirs = equilibrium_point("Na-K", x_na, T, engine="pycalphad")
    assert set(ours.fractions) == set(theirs.fractions)
    for ph, f in ours.fractions.items():
        assert f == pytest.approx(theirs.fractions[ph], abs=5e-3), ph


def test_composition_parsing_round_trips_mass_and_atom_percent():
    x = parse_composition("56 wt% K")
    assert 100 * x_to_wt(x) == pytest.approx(56.0)
    assert parse_composition("42.8 at% K") == pytest.approx(0.572)
    assert parse_composition("57.2 at% Na") == pytest.approx(0.572)
    assert parse_composition("44 wt% Na") == pytest.approx(x)


@pytest.mark.parametrize("bad", ["56 K", "56", "56 wt% Cs", "101 wt% K", "-1 at% K", "wt% K"])
def test_bad_compositions_are_refused(bad):
    with pytest.raises(NakcellInputError, match="composition"):
        parse_composition(bad)


def test_a_new_system_is_a_data_file(tmp_path, monkeypatch):
    # Dropping '<A>-<B>.tdb' into the data folder is all it takes; here the Na-K file under the
    # name 'K-Na' must give the mirror-image liquid field (x is the first element's fraction).
    import shutil

    from nakcell.thermo import systems
    from nakcell.thermo.diagram import liquid_field

    shutil.copy(systems.DATA_DIR / "Na-K.tdb", tmp_path / "K-Na.tdb")
    monkeypatch.setattr(systems, "DATA_DIR", tmp_path)
    systems.database.cache_clear()
    systems.model.cache_clear()
    try:
        assert systems.available() == ["K-Na"]
        lo_k, hi_k = liquid_field(systems.model("K-Na"), 298.15)
    finally:
        systems.database.cache_clear()
        systems.model.cache_clear()
    monkeypatch.undo()
    lo_na, hi_na = liquid_field(systems.model("Na-K"), 298.15)
    assert (lo_k, hi_k) == pytest.approx((1 - hi_na, 1 - lo_na), abs=1e-6)
