"""The tidy-table helpers against plain-Python statements of their rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nakcell.io.table import (
    CHARGE,
    COLUMNS,
    DISCHARGE,
    REST,
    STEP_TYPES,
    _frame,
    _public_frame,
    build_table,
    cycles_from_step_types,
    first_direction,
    running_step,
    step_capacity_from_cumulative,
    step_starts,
    step_type_from_current,
)

codes = st.lists(st.sampled_from([REST, CHARGE, DISCHARGE]), min_size=1, max_size=60)


def _cycles_by_rule(types: list[int], first: int) -> list[int]:
    """The cycle rule point by point: a cycle opens where a point of the opening kind
    follows (across rests) a point of the other kind."""
    other = DISCHARGE if first == CHARGE else CHARGE
    out, cycle, last = [], 1, None
    for k in types:
        if k == first and last == other:
            cycle += 1
        if k in (CHARGE, DISCHARGE):
            last = k
        out.append(cycle)
    return out


@settings(max_examples=200, deadline=None)
@given(codes)
def test_cycles_follow_the_rule_with_and_without_step_starts(types: list[int]) -> None:
    st_ = np.array(types, dtype=np.int8)
    active = [k for k in types if k != REST]
    got = cycles_from_step_types(st_)
    if not active:
        assert (got == 1).all()
        return
    assert got.tolist() == _cycles_by_rule(types, active[0])
    # steps finer than the runs of equal type (a step split in two) change nothing
    key = np.arange(len(types)) // 3
    starts = step_starts(running_step(key, st_))
    kind = STEP_TYPES[active[0]]
    assert cycles_from_step_types(st_, kind, starts=starts).tolist() == got.tolist()


@settings(max_examples=50, deadline=None)
@given(codes)
def test_many_steps_take_the_vectorised_path_with_the_same_rule(head: list[int]) -> None:
    from nakcell.io import table

    types = head + [REST, DISCHARGE, REST, CHARGE] * 20  # 80 more runs: vectorised path
    st_ = np.array(types, dtype=np.int8)
    kinds = st_[step_starts(st_)]
    assert len(kinds) > table._FEW_STEPS
    active = [k for k in types if k != REST]
    got = cycles_from_step_types(st_)
    assert got.tolist() == _cycles_by_rule(types, active[0])
    loop = table._cycles_of_steps_loop(kinds.tolist(), None)
    np.testing.assert_array_equal(loop, table._cycles_of_steps(kinds, None))


def test_step_type_threshold_ignores_nan_points() -> None:
    i = np.array([np.nan, 1.0, -2.0, 1.0e-3, -2.1e-3, 0.0])
    # threshold 0.1 % of max |I| = 2 mA: 1 mA is rest, -2.1 mA is discharge
    assert step_type_from_current(i).tolist() == [REST, CHARGE, DISCHARGE, REST, DISCHARGE, REST]
    assert step_type_from_current(np.full(3, np.nan)).tolist() == [REST] * 3


def test_first_direction_uses_the_median_step_capacity() -> None:
    # a 0.1 Ah discharge top-up, then charge 1.0 / discharge 0.9 / charge 1.1 Ah steps
    sizes, kinds = [0.1, 1.0, 0.9, 1.1], [DISCHARGE, CHARGE, DISCHARGE, CHARGE]
    st_ = np.repeat(np.array(kinds, dtype=np.int8), 5)
    step = np.repeat(np.arange(1, 5), 5)
    cap = np.concatenate([np.linspace(0, s, 5) for s in sizes])
    cap[7] = np.nan  # a missing point does not matter
    assert np.median(sizes) * 0.5 > 0.1  # so the top-up is not substantial
    assert first_direction(st_, cap, step) == "charge"
    assert first_direction(st_, cap, step, starts=step_starts(step)) == "charge"


def test_first_direction_is_the_same_for_many_steps() -> None:
    """The vectorised path (many steps): a 0.1 Ah discharge top-up, then 100 charge and
    discharge steps of about 1 Ah; every fifth step carries a NaN point."""
    rng = np.random.default_rng(5)
    sizes = np.r_[0.1, rng.uniform(0.8, 1.2, 100)]
    kinds = np.r_[DISCHARGE, np.tile([CHARGE, DISCHARGE], 50)].astype(np.int8)
    st_ = np.repeat(kinds, 4)
    step = np.repeat(np.arange(1, 102), 4)
    cap = np.concatenate([np.linspace(0, s, 4) for s in sizes])
    cap[1::20] = np.nan
    assert first_direction(st_, cap, step) == "charge"
    cap[:4] = 2.0  # a substantial first discharge decides instead
    assert first_direction(st_, cap, step) == "discharge"


def test_step_capacity_with_given_starts_equals_without() -> None:
    rng = np.random.default_rng(3)
    q = np.cumsum(rng.normal(size=500))
    step = np.repeat(np.arange(1, 11), 50)
    a = step_capacity_from_cumulative(q, step)
    b = step_capacity_from_cumulative(q, step, starts=step_starts(step))
    np.testing.assert_array_equal(a, b)
    # independent: within a step, |q - q just before the step|
    k = 120
    np.testing.assert_allclose(a[k], abs(q[k] - q[99]))


def test_frame_is_the_public_constructor_without_copies() -> None:
    n = 1000
    rng = np.random.default_rng(0)
    cols = [rng.random(n) for _ in range(5)]
    cols += [np.arange(n, dtype=np.int64), np.ones(n, dtype=np.int64)]
    cols.append(pd.Categorical.from_codes(rng.integers(0, 4, n), categories=list(STEP_TYPES)))
    fast = _frame(cols, n)
    pd.testing.assert_frame_equal(fast, _public_frame(cols, n))
    assert list(fast.columns) == list(COLUMNS)
    for name, arr in zip(COLUMNS[:7], cols[:7], strict=True):
        assert np.shares_memory(fast[name].to_numpy(), arr), name


def test_build_table_with_a_given_step_equals_the_computed_one() -> None:
    n = 200
    t = np.arange(n, dtype=float)
    i = np.where(np.arange(n) < 100, 1e-3, -1e-3)
    v = np.linspace(3.0, 3.5, n)
    key = np.repeat([1, 2], 100)
    a = build_table(time_s=t.copy(), current_A=i.copy(), voltage_V=v.copy(), cycle=np.ones(n))
    st_ = step_type_from_current(i)
    b = build_table(
        time_s=t.copy(),
        current_A=i.copy(),
        voltage_V=v.copy(),
        cycle=np.ones(n),
        step=running_step(key, st_),
    )
    pd.testing.assert_frame_equal(a, b)
    # trapezoidal capacity of 1 mA over the first 99 s of step 1, in Ah
    np.testing.assert_allclose(a["capacity_Ah"].iloc[99], 99 * 1e-3 / 3600, rtol=1e-12)
