"""``nakcell eis`` commands end to end on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nakcell.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_fit_many_files_json_with_asr(
    shared_data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = shared_data / "eis"
    files = [d / "hybriddrt_PEIS_LPSCl_IonBlocking_-25C.mpr", d / "impedancepy_exampleDataZPlot.z"]
    code, out, _ = run(
        ["eis", "fit", *map(str, files), "--circuit", "R0-p(R1,CPE1)-CPE2", "--area", "0.95 cm2",
         "--json", "--plot", str(tmp_path)],
        capsys,
    )  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    assert [r["file"] for r in rows] == [str(f) for f in files]
    for r in rows:
        assert set(r) >= {"parameters", "stderr", "chi2", "asr_ohm_cm2"}
        assert r["asr_ohm_cm2"]["R1"] == pytest.approx(r["parameters"]["R1"] * 0.95)
    assert (tmp_path / f"{files[0].name}_fit.png").stat().st_size > 1000


def test_kk_json(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = shared_data / "eis" / "hybriddrt_PEIS_SSB.mpr"
    code, out, _ = run(["eis", "kk", str(f), "--json"], capsys)
    d = json.loads(out)
    assert code == 0 and d["valid"] is True
    assert len(d["residuals_real"]) == len(d["frequency_Hz"]) == 89


def test_drt_plot(shared_data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = shared_data / "eis" / "pydrttools_LIB_data.txt"
    png = tmp_path / "drt.png"
    code, out, _ = run(["eis", "drt", str(f), "--json", "--plot", str(png)], capsys)
    assert code == 0 and json.loads(out)["R_pol_ohm"] > 0 and png.stat().st_size > 1000


def test_simulate_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["eis", "simulate", "--interface-asr", "15 ohm cm2", "--contact-fraction", "0.5",
         "--json"], capsys,
    )  # fmt: skip
    d = json.loads(out)
    assert code == 0
    assert d["interface_asr_ohm_cm2"] == pytest.approx([30.0, 30.0])
    assert len(d["frequency_Hz"]) == 71  # 100 kHz to 10 mHz at 10 per decade


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["eis", "fit", "nope.csv"], "no such file"),
        (["eis", "simulate", "--interface-asr", "15 mA"], "--interface-asr"),
        (["eis", "simulate", "--interface-asr", "15", "--contact-fraction", "2"], "contact"),
    ],
)
def test_errors_one_line_exit_2(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2 and needle in err and "Traceback" not in err


def test_unknown_element_exit_2(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = shared_data / "eis" / "impedancepy_exampleDataZPlot.z"
    code, _, err = run(["eis", "fit", str(f), "--circuit", "R0-Q1"], capsys)
    assert code == 2 and "'Q1'" in err and len(err.strip().splitlines()) == 1


def test_fit_json_and_text_say_why_a_fit_failed_and_carry_read_notes(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ZPlot file fitted with a CPE whose exponent runs to 1; Parstat file with DC rows."""
    z = shared_data / "eis" / "impedancepy_exampleDataZPlot.z"
    par = shared_data / "eis" / "impedancepy_exampleDataParstat.txt"
    code, out, _ = run(
        ["eis", "fit", str(z), str(par), "--circuit", "R0-p(R1,CPE1)", "--json"], capsys
    )
    rows = json.loads(out)
    assert code == 0
    assert rows[0]["success"] is False and "CPE1_1" in rows[0]["message"]
    assert rows[0]["problems"] and "notes" not in rows[0]
    assert any("781 DC rows" in n for n in rows[1]["notes"])
    code, out, _ = run(["eis", "fit", str(z), "--circuit", "R0-p(R1,CPE1)"], capsys)
    assert "FAILED: CPE1_1 = 1 is at its upper bound 1" in out
