"""Calibration on the record to July 2025: history matching and the worldviews' weights."""
