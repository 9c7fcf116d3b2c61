"""The CLI as a user meets it: JSON keys, units as typed, one-line errors with exit code 2."""

import json
import subprocess
import sys

import pytest

KEYS = {"overpotential_mV", "hysteresis_mV", "asr_ohm_cm2", "shorted", "time_to_short_h", "cycles"}


def nakcell(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nakcell.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_cycle_json_has_the_documented_keys():
    p = nakcell(
        "cycle",
        "--cell",
        "seed-nak",
        "--current-density",
        "25",
        "--half-cycle",
        "0.5",
        "--duration",
        "2",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert set(out) >= KEYS
    # the pellet's bulk ASR (1.1 mm at 1.4e-3 S/cm = 78.6 ohm cm2) bounds the ASR from below
    assert out["asr_ohm_cm2"] >= 78.5


def test_cycle_batch_with_units_prints_a_list():
    p = nakcell(
        "cycle",
        "--current-density",
        "0.1,1 mA/cm^2,10",
        "--half-cycle",
        "30 min",
        "--duration",
        "1 h",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert [o["current_density_mA_cm2"] for o in out] == pytest.approx([0.1, 1.0, 10.0])


def test_ccd_json():
    p = nakcell("ccd", "--cell", "seed-na", "--stop", "0.3", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert "ccd_mA_cm2" in out


def test_plot_writes_a_png(tmp_path):
    f = tmp_path / "trace.png"
    p = nakcell(
        "cycle",
        "--current-density",
        "1,5",
        "--half-cycle",
        "0.25",
        "--duration",
        "1",
        "--plot",
        str(f),
    )
    assert p.returncode == 0, p.stderr
    assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["cycle", "--cell", "nope"], "cell"),
        (["cycle", "--current-density", "25 mA"], "current_density"),
        (["cycle", "--current-density", "abc"], "current_density"),
        (["cycle", "--current-density", "-5"], "current_density"),
        (["cycle", "--half-cycle", "2 V"], "half_cycle"),
        (["ccd", "--start", "5", "--stop", "1"], "stop"),
        (["ccd", "--capacity", "-1"], "capacity"),
        (["ccd", "--interface-reading", "both"], "interface-reading"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, needle):
    p = nakcell(*args)
    assert p.returncode == 2
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    assert needle in lines[0] and "Traceback" not in p.stderr


def test_bad_toml_cell_names_the_field(tmp_path):
    f = tmp_path / "my.toml"
    f.write_text('thickness = "-1 mm"\n')
    p = nakcell("cycle", "--cell", str(f), "--duration", "1")
    assert p.returncode == 2
    assert "my.toml.thickness" in p.stderr


def test_ccd_fixed_capacity_steps_and_the_interface_reading():
    p = nakcell(
        "ccd", "--cell", "seed-na", "--start", "0.1", "--stop", "0.2", "--capacity", "0.05",
        "--interface-reading", "per-interface", "--json",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["protocol"]["capacity_mAh_cm2"] == pytest.approx(0.05)
    assert out["protocol"]["half_cycle_h"] is None
    assert out["ccd_note"]


def test_toml_cell_takes_an_interphase_preset(tmp_path):
    from nakcell.cell.symmetric import interface_asr
    from nakcell.materials import load_cell

    f = tmp_path / "au.toml"
    f.write_text('base = "seed-na"\ninterphase = "Au"\n')
    assert interface_asr(load_cell(f))["interface_asr"] * 1e4 == pytest.approx(146.0, rel=1e-6)
    f.write_text('interphase = "gold"\n')
    p = nakcell("cycle", "--cell", str(f), "--duration", "1")
    assert p.returncode == 2 and "interphase" in p.stderr
