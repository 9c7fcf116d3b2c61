"""Elements and circuit strings against impedance.py (an independent implementation) and
closed-form limits."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nakcell.eis import ELEMENTS, Circuit, element
from nakcell.errors import NakcellInputError

W = 2 * np.pi * np.logspace(-3, 6, 37)


@pytest.mark.parametrize(
    ("circuit", "params"),
    [
        ("R0-p(R1,C1)", [10.0, 100.0, 1e-5]),
        ("R0-p(R1,CPE1)-p(R2,CPE2)", [5.0, 50.0, 1e-6, 0.85, 200.0, 1e-3, 0.7]),
        ("L0-R0-p(R1,CPE1)-Wo1", [1e-6, 1.0, 10.0, 1e-4, 0.9, 20.0, 3.0]),
        ("R0-p(R1-Ws1,C1)-W1", [1.0, 10.0, 5.0, 0.5, 1e-5, 2.0]),
        ("R0-G1-p(R1,C1,L1)", [2.0, 30.0, 0.01, 5.0, 1e-4, 1e-3]),
    ],
)
def test_matches_impedance_py(circuit: str, params: list[float]) -> None:
    from impedance.models.circuits import CustomCircuit

    ref = CustomCircuit(circuit, initial_guess=params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z_ref = ref.predict(W / (2 * np.pi))
    z = Circuit(circuit).impedance(np.array(params), W)
    np.testing.assert_allclose(z, z_ref, rtol=1e-10)


def test_batch_equals_rows() -> None:
    c = Circuit("R0-p(R1,CPE1)-Wo1")
    P = np.array([[1, 10, 1e-4, 0.9, 5, 2], [2, 20, 1e-3, 0.7, 1, 0.1]], dtype=float)
    Z = c.impedance(P, W)
    assert Z.shape == (2, W.size)
    np.testing.assert_allclose(Z[1], c.impedance(P[1], W), rtol=1e-14)


def test_rc_apex_at_one_over_rc() -> None:
    R, C = 100.0, 1e-6
    z = Circuit("p(R1,C1)").impedance(np.array([R, C]), np.array([1 / (R * C)]))
    assert z[0] == pytest.approx(R / 2 - 1j * R / 2)


def test_limits_of_finite_warburgs_and_gerischer() -> None:
    w0 = np.array([1e-9])
    assert Circuit("Ws1").impedance(np.array([7.0, 2.0]), w0)[0].real == pytest.approx(7.0)
    assert Circuit("G1").impedance(np.array([3.0, 0.5]), w0)[0].real == pytest.approx(3.0)
    # Wo at low frequency: Z0/3 + capacitive 1/(j w tau/Z0) (Lasia 2014, eq. 4.154)
    z = Circuit("Wo1").impedance(np.array([6.0, 2.0]), np.array([1e-6]))[0]
    assert z.real == pytest.approx(2.0, rel=1e-6)
    assert z.imag == pytest.approx(-6.0 / (1e-6 * 2.0), rel=1e-6)


def test_jacobian_matches_finite_difference_of_whole_circuit() -> None:
    c = Circuit("L0-R0-p(R1,CPE1)-p(R2-Wo1,C2)")
    p = np.array([1e-6, 1.0, 10.0, 1e-4, 0.85, 5.0, 3.0, 0.5, 1e-3])
    _, jac = c.impedance_and_jacobian(p[None, :], W)
    zmax = np.abs(c.impedance(p, W)).max()
    for i in range(p.size):
        h = 1e-4 * p[i]
        pp, pm = p.copy(), p.copy()
        pp[i] += h
        pm[i] -= h
        fd = (c.impedance(pp, W) - c.impedance(pm, W)) / (2 * h)
        np.testing.assert_allclose(jac[0, i], fd, rtol=1e-3, atol=1e-9 * zmax / p[i])


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("R0-X1", "'X1'"),
        ("R0-p(R1)", "two branches"),
        ("R0--R1", "element name"),
        ("R0-R0", "twice"),
        ("R0-p(R1,C1", "closing"),
        ("R0-CPEx", "'CPEx'"),
        ("", "circuit"),
    ],
)
def test_bad_circuits_name_the_problem(text: str, msg: str) -> None:
    with pytest.raises(NakcellInputError, match=msg):
        Circuit(text)


def test_param_names_follow_impedance_py() -> None:
    c = Circuit("R0-p(R1,CPE1)-Wo1")
    assert c.param_names == ("R0", "R1", "CPE1_0", "CPE1_1", "Wo1_0", "Wo1_1")


def test_new_element_registers_in_one_place() -> None:
    @element("Zq", params=("R", "tau"), units=("ohm", "s"), bounds=((0, np.inf),) * 2,
             guess=lambda R, tau: (R, tau))  # fmt: skip
    def _zq(p: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Debye element, for this test only."""
        return p[:, 0:1] / (1 + 1j * w * p[:, 1:2])

    try:
        z1 = Circuit("R0-Zq1").impedance(np.array([1.0, 10.0, 1e-3]), W)
        z2 = Circuit("R0-p(R1,C1)").impedance(np.array([1.0, 10.0, 1e-4]), W)
        np.testing.assert_allclose(z1, z2, rtol=1e-12)
    finally:
        del ELEMENTS["Zq"]
