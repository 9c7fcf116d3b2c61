"""``nakcell atomistic``: JSON keys, the Dupre identity, DFT export and clean input errors."""

from __future__ import annotations

import json

import pytest

from nakcell.cli import main


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def _ok(argv, capsys):
    try:
        main(argv)
    except SystemExit as exc:  # typer exits 0 in standalone mode
        assert exc.code in (0, None)
    return json.loads(capsys.readouterr().out)


def test_surface_json_reports_gamma_and_the_deviation_from_pbe(tmp_cache, capsys):
    out = _ok(
        ["atomistic", "surface", "--metal", "Na", "--facet", "110", "--layers", "6", "--json"],
        capsys,
    )
    for key in ("gamma_J_m2", "n_atoms", "model", "seconds", "deviation_pct"):
        assert key in out
    assert out["model"] == "CHGNet 0.3.0" and out["n_atoms"] == 6
    assert out["deviation_pct"] == pytest.approx(100 * (out["gamma_J_m2"] - 0.21) / 0.21)
    again = _ok(["atomistic", "surface", "--metal", "Na", "--layers", "6", "--json"], capsys)
    assert again["cached"] is True and again["gamma_J_m2"] == out["gamma_J_m2"]


def test_adhesion_single_points_obey_dupre_and_report_the_paper(tmp_cache, capsys):
    # --steps 0: single points on the built geometry (relaxed runs are benchmarks, not tests)
    out = _ok(
        [
            "atomistic",
            "adhesion",
            "--metal",
            "Na",
            "--electrolyte",
            "Na3Hf2Si2PO12",
            "--facet",
            "110",
            "--metal-layers",
            "2",
            "--steps",
            "0",
            "--gamma-lv",
            "191 mN/m",
            "--json",
        ],
        capsys,
    )
    for key in (
        "w_adh_J_m2",
        "gamma_metal_J_m2",
        "gamma_interface_J_m2",
        "strain_pct",
        "n_atoms",
        "model",
        "contact_angle_deg",
        "paper_w_adh_J_m2",
    ):
        assert key in out
    assert out["gamma_interface_J_m2"] == pytest.approx(
        out["gamma_metal_J_m2"] + out["gamma_electrolyte_J_m2"] - out["w_adh_J_m2"]
    )
    assert out["paper_w_adh_J_m2"] == 0.166
    assert 0 < out["strain_pct"] <= 10
    assert out["n_atoms"] == out["n_metal_atoms"] + out["n_electrolyte_atoms"]
    assert out["w_adh_J_m2"] > 0  # a metal sticks to an oxide at its best rigid separation


def test_export_dft_writes_vasp_and_qe_for_interface_and_slabs(tmp_path, capsys):
    out = _ok(
        [
            "atomistic",
            "export-dft",
            "--metal",
            "NaK3",
            "--electrolyte",
            "Na3Hf2Si2PO12",
            "--out",
            str(tmp_path),
            "--json",
        ],
        capsys,
    )
    for name in ("interface", "electrolyte_slab", "metal_slab"):
        assert (tmp_path / name / "vasp" / "INCAR").is_file()
        assert (tmp_path / name / "qe" / "pw.in").is_file()
    assert "Hf_pv" in (tmp_path / "interface" / "vasp" / "POTCAR.spec").read_text()
    assert out["n_atoms"] > 80


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["atomistic", "surface", "--metal", "Li"], "metal"),
        (["atomistic", "surface", "--facet", "11"], "facet"),
        (["atomistic", "surface", "--vacuum", "8 mA"], "vacuum"),
        (["atomistic", "adhesion", "--electrolyte", "LLZO"], "electrolyte"),
        (["atomistic", "adhesion", "--max-strain", "0.1"], "max_strain"),
        (["atomistic", "adhesion", "--max-strain", "80"], "max_strain"),
        (["atomistic", "adhesion", "--repeat", "2by1"], "repeat"),
        (["atomistic", "adhesion", "--gamma-lv", "-5 mN/m"], "gamma_lv"),
        (["atomistic", "surface", "--calculator", "nosuch.module:f"], "calculator"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, needle, tmp_cache, capsys):
    code, _out, err = _run(argv, capsys)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err
