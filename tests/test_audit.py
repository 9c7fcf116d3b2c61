"""`nakcell audit`: every bundled row has a source; rows below the ohmic floor are flagged."""

import json
import subprocess
import sys

import pytest

from nakcell.errors import NakcellFileError
from nakcell.report.audit import audit, load_rows


def test_every_bundled_row_has_a_source():
    rows = load_rows()
    assert len(rows) >= 10
    for r in rows:
        assert r["source"].strip()
        assert ("doi:" in r["source"]) or any(ch.isdigit() for ch in r["source"])


def test_seed_25_mA_row_is_flagged_below_the_ohmic_floor():
    row = {r.id: r for r in audit()}["zhao2021-nak-25"]
    # independent arithmetic: 1.0 mm / 1.4e-3 S/cm = 71.43 ohm cm2 >> 8 mV / 25 mA/cm2
    assert row.bulk_min_asr_ohm_cm2 == pytest.approx(0.1 / 1.4e-3)
    assert row.implied_asr_ohm_cm2 == pytest.approx(8 / 25)
    assert row.verdict == "implausible"
    assert "below" in row.reason


def test_a_row_above_the_floor_is_plausible(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text(
        "id,electrolyte,thickness_mm,conductivity_S_cm,current_density_mA_cm2,overpotential_mV,source\n"
        "ok,NZSP,1.0,1e-3,1.0,150,doi:10.0/x\n"
        "bad,NZSP,1.0,1e-3,1.0,50,doi:10.0/y\n"
    )
    rows = {r.id: r for r in audit(p)}
    assert rows["ok"].verdict == "plausible"  # 150 ohm cm2 >= 100 ohm cm2
    assert rows["bad"].verdict == "implausible"  # 50 < 100


def test_row_without_source_names_the_line(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("id,electrolyte,current_density_mA_cm2,source\nx,NZSP,1,\n")
    with pytest.raises(NakcellFileError, match="line 2"):
        load_rows(p)


def test_cli_json_and_plot(tmp_path):
    png = tmp_path / "map.png"
    p = subprocess.run(
        [sys.executable, "-m", "nakcell.cli", "audit", "--json", "--plot", str(png)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {r["verdict"] for r in out} <= {"plausible", "implausible", "not checkable"}
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_cli_bad_file_exit_2(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("id,electrolyte,current_density_mA_cm2,source\nx,NZSP,abc,doi:1\n")
    r = subprocess.run(
        [sys.executable, "-m", "nakcell.cli", "audit", str(p)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert "line 2" in r.stderr and "Traceback" not in r.stderr
