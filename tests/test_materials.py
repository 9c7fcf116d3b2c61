"""Materials: sourced values, validation that names the field, TOML cells."""

import dataclasses

import pytest

from nakcell.errors import NakcellFileError, NakcellInputError
from nakcell.materials import (
    CELLS,
    Na3Hf2Si2PO12,
    NaK,
    beta_alumina,
    get_cell,
    load_cell,
    wt_pct_K_to_x_Na,
)
from nakcell.thermo.properties import surface_tension_NaK


@pytest.mark.parametrize("name", list(CELLS))
def test_every_default_parameter_has_a_source(name):
    for row in get_cell(name).all_sources():
        assert len(row["source"]) > 10, row


def test_seed_cell_geometry_and_conductivity_from_methods_section():
    c = get_cell("seed-nak")
    assert c.diameter == pytest.approx(11e-3)
    assert 1.0e-3 <= c.thickness <= 1.2e-3
    assert Na3Hf2Si2PO12().conductivity(298.15) == pytest.approx(0.14)  # 1.4e-3 S/cm


def test_seed_alloy_composition_44_56_wt_pct():
    # 44 g Na / 22.99 = 1.914 mol, 56 g K / 39.10 = 1.432 mol -> x_Na = 0.572
    assert wt_pct_K_to_x_Na(56.0) == pytest.approx(1.914 / (1.914 + 1.432), rel=1e-3)


def test_liquid_at_25C_matches_the_published_range():
    # liquid at 25 degC from 9.2 to 58.2 wt% Na, i.e. 41.8-90.8 wt% K (JACS 140, 3292 (2018))
    assert NaK(56.0).is_liquid(298.15)
    assert NaK(43.0).is_liquid(298.15) and NaK(90.0).is_liquid(298.15)
    assert not NaK(40.0).is_liquid(298.15) and not NaK(92.5).is_liquid(298.15)
    assert not NaK(56.0).is_liquid(273.15 - 15.0)  # below the -12.6 C eutectic


def test_pure_metals_melt_at_their_melting_points():
    from nakcell.materials import K, Na

    assert not Na().is_liquid(370.0) and Na().is_liquid(372.0)  # 97.8 degC
    assert not K().is_liquid(336.0) and K().is_liquid(337.5)  # 63.4 degC


def test_arrhenius_conductivity_rises_with_temperature():
    e = beta_alumina()
    s1, s2 = e.conductivity(298.15), e.conductivity(348.15)
    # sigma T = A exp(-Ea / kT): ratio fixed by Ea = 0.275 eV
    import math

    expected = 298.15 / 348.15 * math.exp(0.275 / 8.617333e-5 * (1 / 298.15 - 1 / 348.15))
    assert s2 / s1 == pytest.approx(expected)


def test_sodium_samarium_silicate_preset_gives_the_published_pellet_resistance():
    """Sun et al. 2023 (abstract): 2.9e-3 S/cm at room temperature, Ea 0.15 eV. A 1 mm pellet
    is then 0.1 cm / 2.9e-3 S/cm = 34.5 ohm cm2 (by hand), and selectable by name."""
    from nakcell.materials import ELECTROLYTES, Na5SmSi4O12

    e = Na5SmSi4O12()
    assert e.bulk_asr(1e-3, 298.15) * 1e4 == pytest.approx(0.1 / 2.9e-3)
    assert ELECTROLYTES["Na5SmSi4O12"]().name == "Na5SmSi4O12"
    assert "s41467-023-42308-0" in e.source_of("sigma_ref")


def test_in_loop_surface_tension_matches_butler():
    import numpy as np

    from nakcell.interface.liquid import surface_tension

    for x in (0.013, 0.1, 0.3, 0.57, 0.8, 0.996):
        for t in (260.0, 298.15, 351.3):
            assert surface_tension(np.array([x]), np.array([t]))[0] == pytest.approx(
                surface_tension_NaK(x, t)[0], abs=1e-3
            )


def test_negative_thickness_names_the_field():
    with pytest.raises(NakcellInputError, match=r"Cell\.thickness"):
        get_cell("seed-nak").replace(thickness=-1e-3)


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_cell("seed-nak").thickness = 1.0  # type: ignore[misc]


def test_toml_cell_with_units(tmp_path):
    p = tmp_path / "thin.toml"
    p.write_text(
        'base = "seed-nak"\nthickness = "0.5 mm"\nstack_pressure = "1 MPa"\n'
        '[anode]\npreset = "NaK"\nwt_pct_K = 78\n[electrolyte]\npreset = "NZSP"\n'
    )
    c = load_cell(p)
    assert c.thickness == pytest.approx(0.5e-3)
    assert c.stack_pressure == pytest.approx(1e6)
    assert c.anode.x_Na == pytest.approx(wt_pct_K_to_x_Na(78))
    assert c.electrolyte.name == "Na3Zr2Si2PO12"
    assert c.name == "thin"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('thickness = "0.5 V"', "thin.toml.thickness"),
        ("thickness = -1.0", "thin.toml.thickness"),
        ('colour = "red"', "thin.toml.colour"),
        ('[electrolyte]\nsigma_ref = "1 mA"', "thin.toml.electrolyte.sigma_ref"),
    ],
)
def test_toml_bad_values_name_the_field(tmp_path, text, field):
    p = tmp_path / "thin.toml"
    p.write_text(text)
    with pytest.raises(NakcellInputError) as err:
        load_cell(p)
    assert field in str(err.value)


def test_missing_toml_is_a_file_error(tmp_path):
    with pytest.raises(NakcellFileError):
        load_cell(tmp_path / "nope.toml")


def test_toml_preset_arguments_only_where_the_preset_takes_them(tmp_path):
    p = tmp_path / "na.toml"
    p.write_text('[anode]\npreset = "Na"\nwt_pct_K = 50\n')
    with pytest.raises(NakcellInputError, match=r"na\.toml\.anode\.wt_pct_K"):
        load_cell(p)
