"""The DuckDB store: idempotent batches, spec checks on reuse, Parquet equal to the table."""

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from nakcell.cell.symmetric import simulate_symmetric
from nakcell.errors import NakcellInputError
from nakcell.sweep import parse_spec
from nakcell.sweep.batch import run_batch
from nakcell.sweep.store import SweepStore


def small_spec(stop: str = "3 mA/cm2"):
    return parse_spec(
        {
            "cell": "seed-na",
            "metrics": ["ccd_mA_cm2", "asr_ohm_cm2", "stopped", "cycles"],
            "steps_per_half": 8,
            "protocol": {
                "kind": "ccd",
                "start": "1 mA/cm2",
                "step": "1 mA/cm2",
                "stop": stop,
                "half_cycle": "15 min",
            },
            "parameters": {
                "thickness": {"grid": ["0.3 mm", "1.2 mm", 3]},
                "stack_pressure": {"list": ["0.2 MPa", "2 MPa"]},
            },
        }
    )


def batch_of(spec, lo, hi, b=0):
    rows = spec.design()[lo:hi]
    return run_batch(spec.model, b, np.arange(lo, hi), spec.point_hashes(rows), rows)


def test_batch_metrics_equal_one_cell_runs_of_the_same_model():
    s = small_spec()
    res = batch_of(s, 0, 6)
    for k, row in enumerate(s.design()):
        cells, proto = s.model.cells(row[None, :])
        one = simulate_symmetric(cells, proto, steps_per_half=8).summary(0)
        assert res.metrics["asr_ohm_cm2"][k] == pytest.approx(one["asr_ohm_cm2"], rel=1e-9)
        assert res.metrics["ccd_mA_cm2"][k] == one["ccd_mA_cm2"]


def test_committing_a_batch_twice_stores_it_once(tmp_path):
    s = small_spec()
    res = batch_of(s, 0, 4)
    with SweepStore(tmp_path / "a.duckdb") as st:
        st.prepare(s, resume=False)
        run = st.begin_run(s, scheduler="test", workers=0, resumed=False)
        assert st.commit_batch(s, run, res) == 4
        assert st.commit_batch(s, run, res) == 0
        assert st.commit_batch(s, run, batch_of(s, 2, 6, b=1)) == 2
        assert st.rows() == 6 == st.unique_points()
        stored = st.con.execute("SELECT points_stored FROM runs").fetchone()[0]
        assert stored == 6


def test_field_units_in_columns(tmp_path):
    s = small_spec()
    with SweepStore(tmp_path / "a.duckdb") as st:
        st.prepare(s, resume=False)
        st.commit_batch(s, 1, batch_of(s, 0, 6))
        got = st.con.execute(
            "SELECT DISTINCT thickness_mm, stack_pressure_MPa FROM points ORDER BY 1, 2"
        ).fetchall()
    assert [g[0] for g in got[::2]] == pytest.approx([0.3, 0.75, 1.2])
    assert {g[1] for g in got} == {0.2, 2.0}


def test_reusing_a_db_needs_resume_and_the_same_model(tmp_path):
    s = small_spec()
    db = tmp_path / "a.duckdb"
    with SweepStore(db) as st:
        st.prepare(s, resume=False)
        st.commit_batch(s, 1, batch_of(s, 0, 2))
    with SweepStore(db) as st, pytest.raises(NakcellInputError) as e:
        st.prepare(s, resume=False)
    assert e.value.parameter == "--db" and "--resume" in e.value.expected
    with SweepStore(db) as st, pytest.raises(NakcellInputError) as e:
        st.prepare(small_spec(stop="4 mA/cm2"), resume=True)
    assert "another model" in str(e.value.got)
    with SweepStore(db) as st:
        st.prepare(s, resume=True)  # same spec: fine


def test_parquet_export_equals_the_table(tmp_path):
    s = small_spec()
    db = tmp_path / "a.duckdb"
    with SweepStore(db) as st:
        st.prepare(s, resume=False)
        st.commit_batch(s, 1, batch_of(s, 0, 6))
        st.export_parquet(tmp_path / "a.parquet")
    t = pq.read_table(tmp_path / "a.parquet").to_pydict()
    con = duckdb.connect(str(db), read_only=True)
    ref = con.execute("SELECT point_hash, asr_ohm_cm2 FROM points ORDER BY point_index").fetchall()
    con.close()
    assert list(zip(t["point_hash"], t["asr_ohm_cm2"], strict=True)) == ref
    assert t["point_index"] == list(range(6))


def test_a_failing_point_is_stored_with_its_error_not_lost(monkeypatch):
    s = small_spec()
    import nakcell.cell.symmetric as sym

    real = sym.simulate_symmetric

    def flaky(cells, protocol, **kw):
        if any(c.thickness > 1e-3 for c in cells):
            raise FloatingPointError("boom")
        return real(cells, protocol, **kw)

    monkeypatch.setattr(sym, "simulate_symmetric", flaky)
    res = batch_of(s, 0, 6)
    thick = s.design()[:, 0] > 1e-3
    assert [e is not None for e in res.error] == list(thick)
    assert all("boom" in e for e in np.array(res.error, dtype=object)[thick])
    assert all(res.metrics["asr_ohm_cm2"][k] is not None for k in np.flatnonzero(~thick))


def test_galvanostatic_current_is_swept_per_point_in_one_call():
    s = parse_spec(
        {
            "cell": "seed-na",
            "metrics": ["current_density_mA_cm2", "asr_ohm_cm2"],
            "steps_per_half": 8,
            "protocol": {"kind": "galvanostatic", "half_cycle": "30 min", "duration": "1 h"},
            "parameters": {"protocol.current_density": {"list": ["0.1 mA/cm2", 1, "20 A/m2"]}},
        }
    )
    res = batch_of(s, 0, 3)
    assert res.metrics["current_density_mA_cm2"] == pytest.approx([0.1, 1.0, 2.0])


def test_plot_heatmap_and_parallel_from_the_store(tmp_path):
    from nakcell.sweep.plot import plot_sweep

    s = small_spec()
    db = tmp_path / "a.duckdb"
    with SweepStore(db) as st:
        st.prepare(s, resume=False)
        st.commit_batch(s, 1, batch_of(s, 0, 6))
    info = plot_sweep(db, tmp_path / "h.png", metric="asr_ohm_cm2")
    assert info["cells"] == 6 and (tmp_path / "h.png").stat().st_size > 1000
    info = plot_sweep(db, tmp_path / "p.png", kind="parallel")
    assert info["lines"] == 6 and info["metric"] == "ccd_mA_cm2"
    with pytest.raises(NakcellInputError) as e:
        plot_sweep(db, tmp_path / "x.png", metric="stopped")  # not numeric
    assert e.value.parameter == "--metric"
    with pytest.raises(NakcellInputError) as e:
        plot_sweep(db, tmp_path / "x.png", x="temperature")
    assert e.value.parameter == "--x"
