"""The tester-data section of the report: what the seed's data allow, and the metrics
pipeline run on a real public file.

The seed (Zhao et al. 2021) ran its cells on a LAND CT2001A; its measured traces are not
published as files, and the project's cycler data (tests/data/cyclers) hold neither a LAND
.cex nor any symmetric (plating/stripping) cell file. The section says so and shows the
pipeline on a LANDdt Excel export from those data instead.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

SEED_DATA_NOTE = (
    "The seed paper's measured traces (LAND CT2001A; Na-K | Na3Hf2Si2PO12 symmetric cells "
    "and Na-K | NVP full cells) are not available as files: the paper publishes figures "
    "only, and the shared cycler data hold no LAND .cex and no symmetric-cell test. The "
    "metrics below are therefore not the seed's: they show the pipeline on a real LANDdt "
    "export of another cell."
)


#: the LANDdt export the report runs the pipeline on (tests/data/cyclers/PROVENANCE.md)
SHARED_LAND_FILE = "NJK_CC_156_C30_C_x30.xlsx"


def find_tester_file(explicit: str | Path | None = None) -> Path | None:
    """The measured file for the report's tester-data section.

    ``explicit`` if given (it must exist), else the LANDdt export looked up in
    ``$NAKCELL_DATA/cyclers`` and a source checkout's ``tests/data/cyclers``; None when none
    is there (the section then says so).
    """
    import os

    from nakcell.errors import NakcellInputError

    if explicit is not None:
        p = Path(explicit)
        if not p.is_file():
            raise NakcellInputError("--tester-file", str(p), "an existing cycler file")
        return p
    roots = [Path(os.environ["NAKCELL_DATA"])] if os.environ.get("NAKCELL_DATA") else []
    roots.append(Path(__file__).resolve().parents[3] / "tests" / "data")  # a source checkout
    for root in roots:
        p = root / "cyclers" / SHARED_LAND_FILE
        if p.is_file():
            return p
    return None


def missing_section() -> dict[str, Any]:
    """The section when no measured file is at hand: the seed note and how to add one."""
    frag = (
        f"<section id='tester-data'><h2>Tester data</h2><p>{html.escape(SEED_DATA_NOTE)}</p>"
        "<p>No measured cycler file was found to run the metrics pipeline on: pass "
        "<code>nakcell reproduce --tester-file FILE</code> or set <code>NAKCELL_DATA</code> "
        f"to a folder holding <code>cyclers/{SHARED_LAND_FILE}</code>.</p></section>"
    )
    return {"html": frag, "figure": None, "cycles": [], "format": None}


def data_section(path: str | Path, out_dir: str | Path) -> dict[str, Any]:
    """Run read -> cycle metrics on ``path``; write a figure into ``out_dir``.

    Returns ``{"html": fragment, "figure": path, "cycles": metrics, "format": ...}`` for the
    report to embed.
    """
    from nakcell.analysis.cycles import cell_kind, cycle_metrics
    from nakcell.io import read
    from nakcell.plotting.cycler import plot_cycler_file

    p = Path(path)
    d = read(p)
    mass = d.meta.get("active_mass_kg")
    cycles = cycle_metrics(d, mass_kg=mass)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = plot_cycler_file(
        d.data["time_s"].to_numpy(),
        d.data["voltage_V"].to_numpy(),
        cycles,
        out / f"data_{p.stem}.png",
        title=f"{p.name} ({d.format})",
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{_fmt(c.get(k))}</td>"
            for k in (
                "cycle",
                "charge_capacity_mAh",
                "discharge_capacity_mAh",
                "charge_specific_capacity_mAh_g",
                "discharge_specific_capacity_mAh_g",
                "coulombic_efficiency_pct",
                "retention_pct",
            )
        )
        + f"<td>{html.escape(_partial_note(c))}</td></tr>"
        for c in cycles
    )
    frag = (
        f"<section id='tester-data'><h2>Tester data</h2><p>{html.escape(SEED_DATA_NOTE)}</p>"
        f"<p>File: {html.escape(p.name)} ({d.format}, {d.n_points} points, "
        f"{cell_kind(d)} cell{', active mass %.4g mg' % (mass * 1e6) if mass else ''}).</p>"
        f"<img src='{html.escape(fig.name)}' alt='voltage against time; capacity and CE per cycle'>"
        "<table><tr><th>cycle</th><th>charge mAh</th><th>discharge mAh</th>"
        "<th>charge mAh/g</th><th>discharge mAh/g</th><th>CE %</th><th>retention %</th>"
        "<th>note</th></tr>"
        f"{rows}</table></section>"
    )
    return {"html": frag, "figure": str(fig), "cycles": cycles, "format": d.format}


def _partial_note(c: dict[str, Any]) -> str:
    """'partial: <reason>' for a cycle the file cut (no retention), else ''."""
    return "" if c.get("complete", True) else f"partial: {c.get('partial_reason', '')}"


def _fmt(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    return f"{x:.4g}"
