"""a_Na, potential vs Na and the liquid field against pycalphad on the same TDB."""

import numpy as np
import pytest

from nakcell.constants import F, R
from nakcell.errors import NakcellInputError
from nakcell.thermo import a_Na, liquid_range_x_Na, potential_vs_Na


@pytest.fixture(scope="module")
def db():
    from pycalphad import Database

    from nakcell.thermo.systems import tdb_path

    return Database(str(tdb_path("Na-K")))


def test_a_Na_equals_pycalphad_chemical_potential(db):
    from pycalphad import calculate, equilibrium
    from pycalphad import variables as v

    xs = [0.35, 0.5, 0.6]
    temps = [298.15, 350.0]
    conds = {v.T: temps, v.P: 101325, v.N: 1, v.X("NA"): xs}
    eq = equilibrium(db, ["K", "NA", "VA"], ["LIQUID"], conds)
    mu_na = eq.MU.sel(component="NA").values.squeeze()  # (T, x)
    for i, T in enumerate(temps):
        g0 = float(calculate(db, ["NA", "VA"], "LIQUID", T=T, P=101325, N=1).GM.values.squeeze())
        expected = np.exp((mu_na[i] - g0) / (R * T))
        assert a_Na(np.array(xs), T) == pytest.approx(expected, rel=2e-4)


def test_a_Na_is_vectorised_and_broadcasts():
    x = np.linspace(0.3, 0.7, 50)
    T = np.full(50, 300.0)
    assert a_Na(x, T).shape == (50,)
    assert a_Na(x[:, None], np.array([300.0, 320.0])[None, :]).shape == (50, 2)
    assert np.all(np.diff(a_Na(x, 300.0)) > 0)


def test_gibbs_duhem_holds_for_the_fast_activity():
    # x_Na dln a_Na + x_K dln a_K = 0 (Gibbs-Duhem) with a_K from the same model.
    from nakcell.thermo.systems import model

    m = model("Na-K")
    x = np.linspace(0.2, 0.8, 601)
    T = 300.0
    _, mu_k, mu_na = m.excess("LIQUID", x, T)
    ln_na = np.log(x) + mu_na / (R * T)
    ln_k = np.log(1 - x) + mu_k / (R * T)
    gd = x[1:-1] * np.gradient(ln_na, x)[1:-1] + (1 - x[1:-1]) * np.gradient(ln_k, x)[1:-1]
    assert np.max(np.abs(gd)) < 1e-3


def test_potential_of_pure_na_liquid_vs_solid_is_the_sgte_fusion_gibbs_energy():
    # Dinsdale 1991: G_liq - G_bcc of Na = 2581.02 - 6.95218 T - 2.76132e-18 T^7 below 370.87 K.
    T = 298.15
    dg = 2581.02 - 6.95218 * T - 276.132e-20 * T**7
    assert float(potential_vs_Na(1.0, T)) == pytest.approx(-dg / F, rel=1e-6)
    # and the alloy sits positive of pure Na by -(RT/F) ln a
    assert float(potential_vs_Na(0.572, T)) > 0


def test_liquid_range_matches_pycalphad_phase_boundaries(db):
    from pycalphad import equilibrium
    from pycalphad import variables as v

    T = 298.15
    lo, hi = liquid_range_x_Na(T)
    probe = [lo - 0.004, lo + 0.004, hi - 0.004, hi + 0.004]
    conds = {v.T: T, v.P: 101325, v.N: 1, v.X("NA"): probe}
    eq = equilibrium(db, ["K", "NA", "VA"], sorted(db.phases), conds)
    nphase = [(eq.NP.values.squeeze()[i] > 1e-9).sum() for i in range(4)]
    assert nphase == [2, 1, 1, 2]


def test_no_liquid_below_the_eutectic():
    lo, hi = liquid_range_x_Na(255.0)
    assert np.isnan(lo) and np.isnan(hi)


@pytest.mark.parametrize("x", [0.0, -0.1, 1.5, np.nan])
def test_bad_composition_raises_typed_error(x):
    with pytest.raises(NakcellInputError, match="x_Na"):
        a_Na(np.array([0.5, x]), 300.0)


def test_temperature_outside_database_range_raises():
    with pytest.raises(NakcellInputError, match="temperature"):
        a_Na(0.5, 150.0)
