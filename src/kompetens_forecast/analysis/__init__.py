"""Indicators and forecasts computed from canonical observation frames."""
