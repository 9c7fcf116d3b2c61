"""Must-show: a real Dask LocalCluster of 2 worker processes survives crashes without losing or
duplicating a point.

1. The client (the `nakcell sweep` process, which holds the scheduler and the DuckDB file) is
   SIGKILLed after its first committed batch; `--resume` then stores exactly the missing
   points: every design point once, checked against the design by parameter values.
2. A worker process is SIGKILLed while it holds tasks; the sweep still completes.

Small sweeps (240 points), short protocols; each test leaves no process behind.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import psutil
import pytest

from nakcell.sweep import load_spec
from nakcell.sweep.engine import run_sweep

SPEC = """
name = "crash-test"
cell = "seed-na"
metrics = ["ccd_mA_cm2", "asr_ohm_cm2", "stopped"]
batch_size = 12
steps_per_half = 10

[protocol]
kind = "ccd"
start = "2 mA/cm2"
step = "2 mA/cm2"
stop = "60 mA/cm2"
half_cycle = "15 min"

[parameters]
thickness = { grid = ["0.3 mm", "1.2 mm", 8] }
"anode.wt_pct_K" = { range = [0, 90] }

[lhs]
n = 30
seed = 5
"""
N_POINTS = 240


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    p = tmp_path / "crash.toml"
    p.write_text(SPEC)
    return p


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def _wait_gone(procs: list[psutil.Process], timeout: float = 60.0) -> list[psutil.Process]:
    t_end = time.monotonic() + timeout
    while _alive(procs) and time.monotonic() < t_end:
        time.sleep(0.2)
    return _alive(procs)


def _check_every_point_once(db: Path, spec_path: Path) -> None:
    """Stored rows equal the design, point by point, by parameter values and index."""
    spec = load_spec(spec_path)
    design = spec.design()
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute(
            "SELECT point_index, thickness_mm, anode_wt_pct_K FROM points ORDER BY point_index"
        ).fetchall()
        errors = con.execute("SELECT count(*) FROM points WHERE error IS NOT NULL").fetchone()[0]
    finally:
        con.close()
    idx = [g[0] for g in got]
    assert idx == list(range(N_POINTS))  # every index once: no gap, no duplicate
    vals = np.array([g[1:] for g in got])
    assert vals[:, 0] == pytest.approx(design[:, 0] * 1e3, rel=1e-12)  # m -> mm
    assert vals[:, 1] == pytest.approx(design[:, 1], rel=1e-12)
    assert errors == 0


def test_kill_client_mid_run_then_resume_stores_every_point_exactly_once(tmp_path, spec_file):
    db = tmp_path / "sweep.duckdb"
    base = [sys.executable, "-m", "nakcell.cli", "sweep", str(spec_file), "--db", str(db)]
    proc = subprocess.Popen(
        [*base, "--workers", "2", "--progress", "lines", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    kids: list[psutil.Process] = []
    try:
        t_end = time.monotonic() + 180
        seen = None
        while time.monotonic() < t_end:
            try:
                line = lines.get(timeout=1.0)
            except queue.Empty:
                continue
            if line is None:
                break
            if "stored" in line:
                seen = line
                kids = psutil.Process(proc.pid).children(recursive=True)
                os.kill(proc.pid, signal.SIGKILL)  # the client: scheduler, nannies, DuckDB writer
                break
        assert seen is not None, "the sweep never reported a stored batch"
        assert proc.wait(timeout=30) == -signal.SIGKILL
        assert len(kids) >= 2  # the worker processes really existed
        stray = _wait_gone(kids)
        assert not stray, f"worker processes outlived their client: {[p.pid for p in stray]}"
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        for p in _alive(kids):
            p.kill()

    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT count(*) FROM points").fetchone()[0]
    con.close()
    assert 0 < before < N_POINTS, before  # killed mid-run, committed batches survived

    p2 = subprocess.run(
        [*base, "--workers", "2", "--resume", "--progress", "none", "--json"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert p2.returncode == 0, p2.stderr
    out = json.loads(p2.stdout)
    assert out["points"] == out["rows"] == out["unique_points"] == N_POINTS
    assert out["new_points"] == N_POINTS - before
    _check_every_point_once(db, spec_file)
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT run_id, status, points_stored FROM runs ORDER BY 1").fetchall()
    con.close()
    assert runs == [(1, "died (client killed)", before), (2, "complete", N_POINTS - before)]


def test_kill_a_worker_mid_run_and_the_sweep_completes(tmp_path, spec_file):
    me = psutil.Process()
    before_kids = {p.pid for p in me.children(recursive=True)}
    killed: list[int] = []
    busy: list[int] = []

    def on_batch(res, new, client) -> None:
        if killed:
            return
        processing = client.processing()  # worker address -> tasks it holds now
        addr = max(processing, key=lambda a: len(processing[a]), default=None)
        if addr is None or not processing[addr]:
            return  # no worker holds a task at this instant: try at the next batch
        pids = client.run(os.getpid)
        busy.append(len(processing[addr]))
        os.kill(pids[addr], signal.SIGKILL)
        killed.append(pids[addr])

    result: dict = {}

    def go() -> None:
        try:
            result["out"] = run_sweep(
                load_spec(spec_file),
                tmp_path / "w.duckdb",
                workers=2,
                progress="none",
                on_batch=on_batch,
            )
        except BaseException as exc:  # reported by the assertion below
            result["exc"] = exc

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(timeout=300)
    assert not t.is_alive(), "sweep did not finish within 300 s after a worker was killed"
    assert "exc" not in result, repr(result.get("exc"))
    out = result["out"]
    assert killed and busy[0] >= 1  # a worker holding tasks was killed mid-run
    assert not psutil.pid_exists(killed[0]) or psutil.Process(killed[0]).status() == "zombie"
    assert out["points"] == out["rows"] == out["unique_points"] == N_POINTS
    _check_every_point_once(tmp_path / "w.duckdb", spec_file)
    # multiprocessing's resource tracker is one per parent process and exits with it (Python
    # design), so it is not a leftover of the sweep; everything else must be gone
    new_kids = [
        p
        for p in me.children(recursive=True)
        if p.pid not in before_kids and "resource_tracker" not in " ".join(p.cmdline())
    ]
    stray = _wait_gone(new_kids)
    assert not stray, f"stray processes after the sweep: {[p.cmdline() for p in stray]}"


def test_an_existing_scheduler_by_address(tmp_path, spec_file):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        addr = cluster.scheduler_address
        spec = load_spec(spec_file)
        out = run_sweep(spec, tmp_path / "s.duckdb", scheduler=addr, progress="none")
        assert cluster.scheduler is not None and len(cluster.scheduler.workers) == 1
    assert out["rows"] == out["unique_points"] == N_POINTS and out["workers"] == 1
    _check_every_point_once(tmp_path / "s.duckdb", spec_file)
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT scheduler, status FROM runs").fetchall() == [(addr, "complete")]
    con.close()
