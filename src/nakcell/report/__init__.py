"""Reports: ``nakcell reproduce`` (the seed's experiments in silico, with a claims check)."""
