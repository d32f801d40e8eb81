"""The parameter design each analysis runs, attached to the plan before anything is checked or run.

An analysis named by ``experiment.report`` checks its ``experiment.analysis`` settings here and gives every cell
the same per-replication parameter values: a Sobol and Morris design for sensitivity, one draw per replication
for robustness and discovery.  The run's one sampling setting (``sampling=random|lhs|sobol``) says how draws are
spread; an analysis has no sampling setting of its own.
"""

from __future__ import annotations

from sim.config.designs import backtest, discovery, robustness, sensitivity

DESIGNS = {"robustness": robustness, "sensitivity": sensitivity, "discovery": discovery, "backtest": backtest}


def prepare(plan):
    """Check the experiment's analysis settings; the plan with its parameter design attached to every cell."""
    return DESIGNS[plan.report].prepare(plan)
