"""Pure computation of the needs assessment: pandas, numpy and scipy only, no Django."""
