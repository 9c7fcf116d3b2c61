"""Cell models: symmetric cells (this issue) and full cells (later)."""

from nakcell.cell.symmetric import SymmetricResult, interface_asr, simulate_symmetric

__all__ = ["SymmetricResult", "interface_asr", "simulate_symmetric"]
