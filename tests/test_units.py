"""Unit parsing at the edges: what people type becomes SI, bad input names the parameter."""

import pytest

from nakcell.errors import NakcellInputError
from nakcell.units import parse, parse_list, to_field


@pytest.mark.parametrize("text", ["25", 25, "25 mA/cm2", "25 mA/cm^2", "25mA/cm**2", "250 A/m2"])
def test_current_density_forms_all_mean_250_A_per_m2(text):
    assert parse(text, "current_density", name="i") == pytest.approx(250.0)


def test_time_in_minutes_and_hours():
    assert parse("30 min", "time", name="t") == 1800.0
    assert parse("0.5", "time", name="t") == 1800.0  # bare number in hours


def test_temperature_celsius_and_kelvin():
    assert parse("25C", "temperature", name="T") == pytest.approx(298.15)
    assert parse("25 degC", "temperature", name="T") == pytest.approx(298.15)
    assert parse("300 K", "temperature", name="T") == pytest.approx(300.0)


@pytest.mark.parametrize("bad", ["25 mA", "abc", "nan", "", "25 V"])
def test_bad_current_density_names_parameter_and_unit(bad):
    with pytest.raises(NakcellInputError) as err:
        parse(bad, "current_density", name="current_density")
    assert "current_density" in str(err.value)
    assert "mA/cm2" in str(err.value)


def test_list_and_back_to_field_units():
    vals = parse_list("0.1,1,10,25", "current_density", name="i")
    assert [to_field(v, "current_density") for v in vals] == pytest.approx([0.1, 1, 10, 25])
