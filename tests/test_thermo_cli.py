"""`nakcell alloy`, `nakcell alloy diagram`, `nakcell wetting`: JSON fields and one-line errors."""

import json

import pytest

from nakcell.cli import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


def test_alloy_point_json(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NAKCELL_CACHE", str(tmp_path))
    argv = ["alloy", "--system", "Na-K", "--composition", "56 wt% K", "--temperature", "25C"]
    code, out, _ = run([*argv, "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert d["phases"] == {"LIQUID": 1.0} and d["liquid_fraction"] == 1.0
    # JACS 2018: 56 wt% K is inside the 25 C liquid range (41.8-90.8 wt% K)
    assert d["liquidus_C"] < 25.0
    for k in ("density_g_cm3", "viscosity_mPa_s", "surface_tension_mN_m", "a_Na"):
        assert isinstance(d[k], float)


def test_alloy_point_below_liquidus_has_null_properties(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NAKCELL_CACHE", str(tmp_path))
    argv = ["alloy", "--composition", "20 wt% K", "--temperature", "298.15 K", "--json"]
    code, out, _ = run(argv, capsys)
    d = json.loads(out)
    assert code == 0 and 0 < d["liquid_fraction"] < 1
    assert d["density_g_cm3"] is None and d["a_Na"] is None


def test_alloy_at_percent_and_pycalphad_engine_agree(capsys, tmp_path, monkeypatch):

    monkeypatch.setenv("NAKCELL_CACHE", str(tmp_path))
    base = ["alloy", "--composition", "20 at% K", "--temperature", "25C", "--json"]
    _, a, _ = run(base, capsys)
    _, b, _ = run([*base, "--engine", "pycalphad"], capsys)
    fa, fb = json.loads(a)["phases"], json.loads(b)["phases"]
    assert set(fa) == set(fb) == {"LIQUID", "BCC_A2"}
    assert fa["LIQUID"] == pytest.approx(fb["LIQUID"], abs=2e-3)


def test_diagram_invariants(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NAKCELL_CACHE", str(tmp_path))
    png = tmp_path / "d.png"
    argv = ["alloy", "diagram", "--system", "Na-K", "--plot", str(png), "--json"]
    code, out, _ = run(argv, capsys)
    d = json.loads(out)
    types = sorted(i["type"] for i in d["invariants"])
    assert code == 0 and types == ["eutectic", "melting", "melting", "peritectic"]
    assert all({"type", "T_C", "wt_K", "x_K"} <= set(i) for i in d["invariants"])
    assert png.stat().st_size > 1000


def test_wetting_json(capsys):
    argv = ["wetting", "--liquid", "Na-K 56 wt% K", "--work-of-adhesion", "0.185"]
    code, out, _ = run([*argv, "--temperature", "25C", "--json"], capsys)
    d = json.loads(out)
    assert code == 0 and 0 < d["contact_angle_deg"] < 90
    assert d["surface_tension_source"] and d["work_of_adhesion_J_m2"] == 0.185


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["alloy", "--system", "Na-Xx", "--composition", "56 wt% K"], "system"),
        (["alloy", "--composition", "156 wt% K"], "composition"),
        (["alloy", "--composition", "-5 wt% K"], "composition"),
        (["alloy", "--composition", "56 K"], "composition"),
        (["alloy", "--composition", "56 wt% K", "--temperature", "-5 K"], "temperature"),
        (["alloy", "--composition", "56 wt% K", "--temperature", "-300C"], "temperature"),
        (["wetting", "--liquid", "Na-K 56 K", "--work-of-adhesion", "0.185"], "composition"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args, names):
    code, _, err = run(args, capsys)
    assert code == 2
    assert err.count("\n") == 1 and names in err and "Traceback" not in err
