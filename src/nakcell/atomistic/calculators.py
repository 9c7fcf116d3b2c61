"""Calculators: the default ML potential (weights inside its wheel) or any ASE calculator.

``get_calculator("chgnet")`` loads CHGNet 0.3.0 (B. Deng et al., Nat. Mach. Intell. 5, 1031
(2023), doi:10.1038/s42256-023-00716-3) from the checkpoint that ships inside the ``chgnet``
wheel (``chgnet/pretrained/0.3.0/*.pth.tar``); nothing is downloaded. ``"emt"`` is ASE's
effective-medium theory (Jacobsen, Stoltze, Norskov, Surf. Sci. 366, 394 (1996)) for Al, Cu, Ag,
Au, Ni, Pd, Pt: fast, analytic, used for identity tests. ``"module:attr"`` imports a factory of
your own that returns an ASE calculator (a DFT code, another potential).
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import Any

from nakcell.errors import NakcellInputError

DEFAULT_MODEL = "chgnet"
_CHGNET_VERSIONS = {"chgnet": "0.3.0", "chgnet-0.3.0": "0.3.0", "chgnet-0.2.0": "0.2.0"}


@dataclass(frozen=True)
class Model:
    """A calculator and the label that names it in results and cache keys."""

    calc: Any  # ase.calculators.calculator.Calculator
    label: str


def get_calculator(name: str = DEFAULT_MODEL) -> Model:
    """The calculator called ``name``: "chgnet", "chgnet-0.2.0", "emt" or "pkg.mod:factory"."""
    key = name.strip()
    if key.lower() in _CHGNET_VERSIONS:
        version = _CHGNET_VERSIONS[key.lower()]
        return Model(_chgnet(version), f"CHGNet {version}")
    if key.lower() == "emt":
        from ase.calculators.emt import EMT

        return Model(EMT(), "ASE EMT")
    if ":" in key:
        mod_name, _, attr = key.partition(":")
        try:
            factory = getattr(importlib.import_module(mod_name), attr)
        except (ImportError, AttributeError) as exc:
            raise NakcellInputError(
                "calculator", repr(name), f"an importable factory ({exc})"
            ) from exc
        calc = factory()
        return Model(calc, key)
    raise NakcellInputError(
        "calculator", repr(name), "'chgnet', 'chgnet-0.2.0', 'emt' or 'module:factory'"
    )


@functools.cache
def _chgnet(version: str) -> Any:
    import contextlib
    import io
    import warnings

    from chgnet.model import CHGNet
    from chgnet.model.dynamics import CHGNetCalculator

    # CHGNet prints banners on stdout; drop them so --json output stays clean
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        model = CHGNet.load(model_name=version, use_device="cpu", verbose=False)
        return CHGNetCalculator(model=model, use_device="cpu", on_isolated_atoms="ignore")
