"""The analyses an experiment may ask for (``experiment.report``): each writes its tables and figures into a
results folder and a section of report.md.  The design each one runs is in sim.config.designs."""

from __future__ import annotations

from pathlib import Path

from sim.analysis import discovery, robustness, sensitivity
from sim.calibration import backtest

# experiment.report -> module with write_<kind>(folder) and <kind>_section(folder)
ANALYSES = {"robustness": robustness, "sensitivity": sensitivity, "discovery": discovery, "backtest": backtest}


def write_analysis(kind: str, folder: Path) -> list[str]:
    """Write the analysis's table and figures into the results folder; returns the file names."""
    return getattr(ANALYSES[kind], f"write_{kind}")(Path(folder))


def analysis_section(kind: str, folder: Path) -> str:
    """The analysis's markdown section for report.md, from the files in the folder."""
    return getattr(ANALYSES[kind], f"{kind}_section")(Path(folder))
