"""Figures (matplotlib, Agg backend): what people would rather look at than read."""

from nakcell.plotting.symmetric import plot_symmetric

__all__ = ["plot_symmetric"]
