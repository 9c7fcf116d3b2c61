"""Parse throughput of each nakcell reader against the anchor library on the same file.

    python benchmarks/bench_data_readers.py [--repeat 3]

For every file in ../shared/data/cyclers: rows/s of ``nakcell.io.read`` (which returns the
normalised tidy table) and of the anchor (galvani, NewareNDA, pandas), their ratio
(anchor time / nakcell time: >= 1 means nakcell is at least as fast), and nakcell's
peak memory (and the anchor's, for scale) over the size of the table nakcell returns
(tracemalloc peak during one read, in a fresh process: Python objects and numpy /
pandas buffers; memory a library allocates natively outside Python's allocator, and the
mdb-export child process, are not seen). Goal: ratio >= 1, memory <= 2x the table.

Anchors: BioLogic .mpr/.mpt -> galvani MPRfile/MPTfile; Neware -> NewareNDA.read; Arbin
.res -> galvani res2sqlite (mdb-export into SQLite) then reading the data table; Excel
exports -> pandas.read_excel(engine="calamine") of the data sheet (navani, the LAND/Arbin
Excel anchor, pins numpy<2 and is not installed); Maccor text -> pandas.read_csv of the
data block (no tested library parsed maccor_002.txt).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cyclers"


def anchor(path: Path, fmt: str) -> int:
    """Run the anchor reader; returns its row count."""
    if fmt == "biologic_mpr":
        from galvani import BioLogic

        return len(BioLogic.MPRfile(str(path)).data)
    if fmt == "biologic_mpt":
        from galvani import BioLogic

        data, _ = BioLogic.MPTfile(str(path), encoding="latin-1")
        return len(data)
    if fmt.startswith("neware"):
        import NewareNDA

        return len(NewareNDA.read(str(path)))
    if fmt == "arbin_res":
        import sqlite3

        from galvani import res2sqlite

        with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()):
            db = Path(d) / "x.sqlite"
            res2sqlite.convert_arbin_to_sqlite(str(path), str(db))
            con = sqlite3.connect(db)
            n = len(con.execute("SELECT * FROM Channel_Normal_Table").fetchall())
            con.close()
            return n
    if fmt in ("land_xlsx", "arbin_xlsx"):
        import pandas as pd

        sheet = "Record" if fmt == "land_xlsx" else 1
        return len(pd.read_excel(path, sheet_name=sheet, engine="calamine"))
    if fmt == "maccor_txt":
        import pandas as pd

        lines = path.read_bytes().decode("latin-1").splitlines()
        h = next(k for k, ln in enumerate(lines) if ln.startswith(("Rec\t", "Rec#\t")))
        return len(pd.read_csv(path, sep="\t", skiprows=h, encoding="latin-1", index_col=False))
    raise ValueError(fmt)


def ours(path: Path) -> int:
    from nakcell.io import read

    return read(path).n_points


def _time(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            out = fn()
        except Exception as exc:  # the anchor may fail: that is a result too
            return float("nan"), f"{type(exc).__name__}: {str(exc)[:80]}"
        best = min(best, time.perf_counter() - t0)
    return best, out


_MEM_CHILD = r"""
import json, sys, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import bench_data_readers as bench
from nakcell.io import read
path, fmt = Path(sys.argv[1]), sys.argv[2]
read(path)  # imports and caches outside the measurement
tracemalloc.start()
d = read(path)
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
try:
    bench.anchor(path, fmt)
    tracemalloc.start()
    bench.anchor(path, fmt)
    _, anchor_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
except Exception:
    anchor_peak = None
table = int(d.data.memory_usage(deep=True).sum())
print(json.dumps({"peak_extra": peak, "anchor_peak": anchor_peak, "table": table}))
"""


def memory(path: Path, fmt: str) -> dict[str, int]:
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run(
        [sys.executable, "-c", _MEM_CHILD, str(path), fmt, here],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from nakcell.io import detect_format

    head = (
        f"{'file':<52} {'format':<13} {'rows':>7} {'nakcell rows/s':>15} {'anchor rows/s':>14}"
        f" {'ratio':>6} {'mem/table':>9} {'anchor mem/table':>16}"
    )
    print(head)
    print("-" * len(head))
    for path in sorted(DATA.iterdir()):
        if path.name == "PROVENANCE.md":
            continue
        fmt = detect_format(path)
        ours(path)  # warm imports and caches for both sides
        t_ours, n = _time(lambda p=path: ours(p), args.repeat)
        t_anchor, n_anchor = _time(lambda p=path, f=fmt: anchor(p, f), args.repeat)
        mem = memory(path, fmt)
        rows = int(n)  # type: ignore[arg-type]
        ratio = t_anchor / t_ours if t_anchor == t_anchor else float("nan")
        anchor_rate = f"{rows / t_anchor:14.3g}" if t_anchor == t_anchor else f"{'fails':>14}"
        mem_ratio = max(mem["peak_extra"], 0) / mem["table"]
        a_mem = mem["anchor_peak"]
        a_ratio = f"{a_mem / mem['table']:16.2f}" if a_mem is not None else f"{'-':>16}"
        print(
            f"{path.name[:52]:<52} {fmt:<13} {rows:>7} {rows / t_ours:>15.3g} {anchor_rate}"
            f" {ratio:>6.2f} {mem_ratio:>9.2f} {a_ratio}"
        )
        if t_anchor != t_anchor:
            print(f"    anchor failed: {n_anchor}")
        elif n_anchor != rows:
            print(f"    anchor rows differ: {n_anchor}")


if __name__ == "__main__":
    main()
