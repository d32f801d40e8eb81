"""Analysis of stored results: effects against a baseline, and the tables and text an analyst reads."""

from sim.analysis.effects import (
    answer_sentences,
    answer_text,
    comparison_text,
    fan_series,
    replication_summaries,
    summary_table,
)

__all__ = [
    "answer_sentences",
    "answer_text",
    "comparison_text",
    "fan_series",
    "replication_summaries",
    "summary_table",
]
