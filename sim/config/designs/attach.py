"""A design attached to a plan: the same per-replication parameter values for every cell (common random
numbers), except the values a hypothesis or the user sets explicitly."""

from __future__ import annotations

from dataclasses import replace

from sim.config.params import flatten_params


def explicit_params(plan, cell) -> set:
    """Parameters set by the hypothesis file or the user's overrides: fixed in that cell, never drawn."""
    return set(flatten_params(cell.hypothesis.params)) | set(plan.user_params)


def attach_design(plan, values: dict):
    """Give every cell the same per-replication parameter values (common random numbers across cells).

    ``values[name]`` holds one value per replication; a cell keeps the values its hypothesis or the user
    set explicitly.  The values become the returned plan's ``drawn``, which the run writes as parameters.parquet.
    """
    n = {len(v) for v in values.values()}
    if len(n) > 1:
        raise ValueError(f"parameter columns of different lengths: {sorted(n)}")
    cells = []
    for cell in plan.cells:
        keep = explicit_params(plan, cell)
        own = {k: v for k, v in cell.setup.params.items() if k in keep or k not in values}
        params = {**{k: v for k, v in values.items() if k not in keep}, **own}
        # the design is the whole parameter point of each replication: nothing else is drawn
        cells.append(replace(cell, setup=replace(cell.setup, params=params, sampling=None)))
    return replace(plan, cells=cells, drawn=dict(values), replications=n.pop() if n else plan.replications)
