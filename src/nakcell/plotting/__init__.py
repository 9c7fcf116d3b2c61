"""Figures (matplotlib, Agg backend): what people would rather look at than read."""

from nakcell.plotting.full import plot_full
from nakcell.plotting.symmetric import plot_symmetric

__all__ = ["plot_full", "plot_symmetric"]
