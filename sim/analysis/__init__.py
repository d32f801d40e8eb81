"""Analysis of stored results: effects against a baseline, and the tables and text an analyst reads."""

from sim.analysis.effects import comparison_text, fan_series, replication_summaries, summary_table

__all__ = ["comparison_text", "fan_series", "replication_summaries", "summary_table"]
