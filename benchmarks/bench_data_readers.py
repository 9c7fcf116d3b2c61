"""Parse throughput and memory of each nakcell reader against the anchor library.

    python benchmarks/bench_data_readers.py [--repeat 5] [--only NAME-PART]

For every cycler file in tests/data/cyclers (the repository's own real files):

* ``ratio``: anchor time / nakcell time (>= 1: nakcell at least as fast). nakcell's time is
  ``nakcell.io.read`` end to end: file -> normalised tidy table (SI units, per-step
  capacity, running step, cycles, step types). The anchor's time is file -> a table of the
  raw instrument columns (a pandas DataFrame, or SQLite rows for Arbin .res), what a user
  of that library starts from; nakcell does more work in its time.
* ``parse``: nakcell's own binary parser stage alone (file -> the float64 columns the table
  is made from) against the anchor's bare parse, for the formats where nakcell has its own
  parser and the anchor a cheaper stage (.mpr: galvani's ``MPRfile``, a zero-copy view on
  the file's bytes, which no column-converting parser can beat by much). ``-`` elsewhere.
* ``mem/table``: tracemalloc peak during one read / size of the returned table
  (``DataFrame.memory_usage(deep=True)``), in a fresh process after the imports and a
  warm-up read. It sees Python objects and numpy / pandas buffers; it does not see memory
  a library allocates natively (calamine's Rust sheet, the mdb-export child process: a
  peak RSS of 6-8 MB by /usr/bin/time for the shared .res files, whatever the table) nor
  file pages mapped with mmap (the .mpr and .nda readers map the file, where galvani and
  NewareNDA read it into Python bytes, which is counted for them). ``peak MB`` is that
  peak itself: on a tiny table a fixed cost (pandas' DataFrame machinery, about 10 kB)
  dominates the ratio.

Goal: ratio >= 1 (or parse >= 1), memory <= 2x the table. (Peak RSS was tried as a second
memory measure and dropped: ``ru_maxrss`` is set by the imports, so one read rarely moves
it.)

Anchors: BioLogic .mpr/.mpt -> galvani MPRfile/MPTfile -> pandas.DataFrame; Neware ->
NewareNDA.read, and ``fastnda`` (column ``fastnda``: fastnda.read time / nakcell time; the
issue's goal for Neware is >= 1 there); Arbin CSV -> pandas.read_csv of the whole file;
Arbin .res -> galvani res2sqlite (mdb-export into SQLite) then reading the
data table; Excel exports -> pandas.read_excel(engine="calamine") of the data sheet (navani,
the LAND/Arbin Excel anchor, pins numpy<2 and is not installed); Maccor text ->
pandas.read_csv of the data block (no tested library parsed maccor_002.txt).
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

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "cyclers"


def anchor(path: Path, fmt: str) -> int:
    """Run the anchor reader; returns its row count."""
    if fmt == "biologic_mpr":
        import pandas as pd
        from galvani import BioLogic

        return len(pd.DataFrame(BioLogic.MPRfile(str(path)).data))
    if fmt == "biologic_mpt":
        import pandas as pd
        from galvani import BioLogic

        data, _ = BioLogic.MPTfile(str(path), encoding="latin-1")
        return len(pd.DataFrame(data))
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
    if fmt == "neware_bts_csv":
        import pandas as pd

        return len(pd.read_csv(path, encoding="latin-1"))
    if fmt == "arbin_csv":
        import pandas as pd

        first = path.open("rb").readline().decode("latin-1")
        sep = max((";", ",", "\t"), key=first.count)
        return len(pd.read_csv(path, sep=sep, decimal="," if sep == ";" else ".", engine="c"))
    if fmt == "maccor_txt":
        import pandas as pd

        lines = path.read_bytes().decode("latin-1").splitlines()
        h = next(k for k, ln in enumerate(lines) if ln.startswith(("Rec\t", "Rec#\t")))
        return len(pd.read_csv(path, sep="\t", skiprows=h, encoding="latin-1", index_col=False))
    raise ValueError(fmt)


def fastnda_read(path: Path) -> int:
    import fastnda

    return len(fastnda.read(str(path)))


def ours(path: Path) -> int:
    from nakcell.io import read

    return read(path).n_points


def anchor_parse(path: Path, fmt: str):  # type: ignore[no-untyped-def]
    """The anchor's bare parse, where it differs from :func:`anchor` (galvani's MPRfile is
    a zero-copy structured view on the file's bytes; :func:`anchor` makes it a table)."""
    if fmt == "biologic_mpr":
        from galvani import BioLogic

        return lambda: len(BioLogic.MPRfile(str(path)).data)
    return None


#: each timing is the best of at least ``--repeat`` runs and of as many as fit in this time
#: (a read of 0.2 ms is timed ~1000 times): the best of few runs of a fast read is set by
#: the machine's noise and by malloc's state (galvani's 2.4 MB read ranges 0.9-7 ms on one
#: machine, as glibc returns freed memory to the OS or keeps it)
MIN_TIMING_S = 0.3


def _time(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out, spent, runs = float("inf"), None, 0.0, 0
    while runs < repeat or spent < MIN_TIMING_S:
        t0 = time.perf_counter()
        try:
            out = fn()
        except Exception as exc:  # the anchor may fail: that is a result too
            return float("nan"), f"{type(exc).__name__}: {str(exc)[:80]}"
        dt = time.perf_counter() - t0
        best, spent, runs = min(best, dt), spent + dt, runs + 1
    return best, out


def ours_parse(path: Path, fmt: str):  # type: ignore[no-untyped-def]
    """nakcell's own parser stage alone, or None where nakcell uses the anchor library."""
    if fmt == "biologic_mpr":
        from nakcell.io import biologic

        return lambda: biologic.mpr_columns(path, biologic._table_needs)
    return None


_MEM_CHILD = r"""
import json, sys, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[4])
import bench_data_readers as bench
from nakcell.io import read
import galvani, NewareNDA, pandas  # imports outside the measurement
path, fmt, side = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
fn = (lambda: read(path)) if side == "ours" else (lambda: bench.anchor(path, fmt))
try:
    tracemalloc.start()
    out = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    # tracemalloc after a warm-up read (caches and lazy imports out of the measurement)
    tracemalloc.start()
    out = fn()
    _, peak_warm = tracemalloc.get_traced_memory()
    tracemalloc.stop()
except Exception:
    peak = peak_warm = None
table = int(read(path).data.memory_usage(deep=True).sum())
print(json.dumps({"peak": peak_warm, "table": table}))
"""


def memory(path: Path, fmt: str, side: str) -> dict[str, int | None]:
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run(
        [sys.executable, "-c", _MEM_CHILD, str(path), fmt, side, here],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _peak_mb(peak: int | None) -> str:
    """The peak in MB, to 3 significant digits (a fixed cost shows on small tables)."""
    return "-" if peak is None else f"{peak / 1e6:.3g}"


def _r(x: float | None, width: int) -> str:
    return f"{'-':>{width}}" if x is None or x != x else f"{x:>{width}.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", default="", help="only files whose name contains this text")
    args = ap.parse_args()
    from nakcell.io import detect_format

    head = (
        f"{'file':<44} {'format':<13} {'rows':>7} {'rows/s':>9} {'anchor':>9} {'ratio':>6}"
        f" {'parse':>6} {'fastnda':>7} {'mem/tab':>7} {'table MB':>8} {'peak MB':>8} {'anc mem':>7}"
    )
    print(head)
    print("-" * len(head))
    met = []
    for path in sorted(DATA.iterdir()):
        if not path.is_file() or path.suffix in (".md", ".parquet") or args.only not in path.name:
            continue
        try:
            fmt = detect_format(path)
            ours(path)  # a file nakcell refuses (with its reason) is not timed
        except Exception as exc:
            print(f"{path.name[:44]:<44} refused: {str(exc)[:70]}")
            continue
        ours(path)  # warm imports and caches for both sides
        t_ours, n = _time(lambda p=path: ours(p), args.repeat)
        t_anchor, n_anchor = _time(lambda p=path, f=fmt: anchor(p, f), args.repeat)
        t_fast = float("nan")
        if fmt.startswith("neware"):
            t_fast = _time(lambda p=path: fastnda_read(p), args.repeat)[0]
        parse_fn, anchor_parse_fn = ours_parse(path, fmt), anchor_parse(path, fmt)
        t_parse = _time(parse_fn, args.repeat)[0] if parse_fn is not None else float("nan")
        t_anchor_parse = (
            _time(anchor_parse_fn, args.repeat)[0] if anchor_parse_fn is not None else t_anchor
        )
        m, a = memory(path, fmt, "ours"), memory(path, fmt, "anchor")
        rows, table = int(n), m["table"]  # type: ignore[arg-type]
        ratio = t_anchor / t_ours
        parse_ratio = t_anchor_parse / t_parse
        mem = None if m["peak"] is None else m["peak"] / table
        a_mem = None if a["peak"] is None else a["peak"] / table
        anchor_rate = f"{rows / t_anchor:9.3g}" if t_anchor == t_anchor else f"{'fails':>9}"
        print(
            f"{path.name[:44]:<44} {fmt:<13} {rows:>7} {rows / t_ours:>9.3g} {anchor_rate}"
            f" {_r(ratio, 6)} {_r(parse_ratio, 6)} {_r(t_fast / t_ours, 7)} {_r(mem, 7)}"
            f" {table / 1e6:>8.2f} {_peak_mb(m['peak']):>8} {_r(a_mem, 7)}"
        )
        if t_anchor != t_anchor:
            print(f"    anchor failed: {n_anchor}")
        elif n_anchor != rows:
            print(f"    anchor rows differ: {n_anchor}")
        fast = ratio >= 1 or parse_ratio >= 1 or t_anchor != t_anchor
        if fmt.startswith("neware"):  # the goal there is fastnda
            fast = t_fast / t_ours >= 1
        met.append((path.name, fast, mem is not None and mem <= 2))
    print()
    print("speed goal (ratio or parse >= 1) met:", sum(f for _, f, _ in met), "of", len(met))
    print("memory goal (mem/table <= 2) met:   ", sum(g for _, _, g in met), "of", len(met))
    print(
        "missed:",
        ", ".join(
            f"{n} ({'speed ' if not f else ''}{'mem' if not g else ''})"
            for n, f, g in met
            if not (f and g)
        ),
    )


if __name__ == "__main__":
    main()
