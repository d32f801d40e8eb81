"""Offline calibration on the record to July 2025: the hindcast with every guessed number drawn, the history
match of each group of calibrated parameters, and the box of combinations the record leaves.

``python -m sim.calibration.history`` prints the history match behind the calibrated ranges;
``python -m sim.calibration.history sampled [replications]`` the hindcast with every uncertain parameter drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.hindcast import hindcast_text, table
from sim.config.designs.attach import attach_design
from sim.config.plan import plan
from sim.config.plan import plan as make_plan
from sim.model.ensemble import run_cell
from sim.model.record import CHECKS, extract
from sim.model.rules import PARAMS
from sim.model.sampling import draw_parameters, scale, unit_design

# --- the hindcast with the guessed numbers drawn ------------------------------------------------------------------


def draw_into(plan):
    """Draw every uncertain parameter once per replication (from its calibrated range where it declares one) and
    give the draws to every cell of ``plan``; parameters the user or a hypothesis sets explicitly keep their value.
    Returns the plan with the draws attached (its ``drawn``: one array per parameter, which a run stores as
    parameters.parquet)."""
    draws = draw_parameters(plan.seed, np.arange(plan.replications), fixed=plan.user_params)
    return attach_design(plan, draws)


def sampled_hindcast(replications: int = 1000, overrides=()) -> pd.DataFrame:
    """The hindcast table with every uncertain parameter drawn per replication, under every hypothesis."""
    p = draw_into(make_plan(["experiment=hindcast", f"replications={replications}", *overrides]))
    reps = np.arange(p.replications)
    return table({c.hypothesis.name: extract(run_cell(c.setup, reps), c.setup.start) for c in p.cells})


# --- history matching: which values of the calibrated parameters the record leaves plausible ---------------------

# Each group of calibrated parameters with the records that pin it down and the tolerance (relative, or months for
# dates) allowed for the model's own error beyond the record's range.  Groups are matched one at a time, the other
# parameters drawn as the hindcast draws them (a backtest origin holds them at their defaults instead, since their
# calibrated ranges were fitted on the whole record): the groups act on different outcomes, and matching all at
# once would leave too few replications to read a range from.
MATCH_GROUPS = {
    "TTP growth and violence": (
        (
            "ttp.recruitment_rate",
            "ttp.attacks_per_thousand",
            "ttp.truce_restraint",
            "ttp.truce_breakdown",
            "pakistan.operations_attrition",
        ),
        {
            "attacks_2022": 0.15,
            "attacks_2023": 0.1,
            "attacks_2024": 0.15,
            "deaths_2024": 0.15,
            "ttp_2023": 0.1,
            "ttp_2024": 0.1,
            "ttp_2025": 0.05,
        },
    ),
    # the drought of 2021-2023 and the takeover's shock both drive the need of 2022-2025, so they are matched together
    "the takeover's economic shock and the drought": (
        (
            "population.collapse_need",
            "population.shock_recovery",
            "population.need_adjustment",
            "international.emergency_surge",
            "population.drought_need",
            "population.drought_recovery",
        ),
        {
            "need_2022": 0.08,
            "need_2023": 0.08,
            "need_2024": 0.08,
            "need_2025": 0.08,
            "aid_2022_vs_2024": 0.1,
            "aid_2023_vs_2024": 0.1,
        },
    ),
    "Pakistan's deportation campaign": (
        (
            "pakistan.campaign_trigger",
            "pakistan.campaign_tolerance",
            "pakistan.first_wave",
            "pakistan.wave_decay",
            "pakistan.returns_before_campaign",
            "pakistan.grievance_memory",
        ),
        {
            "returns_2022": 0.1,
            "returns_2023": 0.1,
            "returns_2024": 0.1,
            "returns_2025": 0.1,
        },
    ),
    # the flight that followed the takeover is most of the outflow of 2021-22. The record's range is wide: it rules
    # out only the corners (a small flight that fades fast, a large one that fades slowly) and leaves each parameter
    # nearly its whole declared range (some 85% of the draws kept), so neither declares a calibrated range. How many
    # of those who fled stayed (population.flight_stays) does not change the count of arrivals, so it is not here.
    "the takeover's flight": (
        ("population.takeover_flight", "population.flight_fade"),
        {"outflow_2021_22": 0.1},
    ),
    # the decree's month is not a series of its own; the crop of 2023 a twentieth of 2022's holds only where the ban
    # was enforced from the sowing of November 2022, so from a decree between November 2021 and October 2022
    "the opium ban's timing": (
        ("taliban.ban_rate", "taliban.ban_shock_restraint"),
        {"drugs_2023_vs_2022": 0.1},
    ),
    "diplomatic timing": (
        (
            "states.months_per_rung",
            "states.trigger_pace",
            "states.peer_step_impetus",
            "states.incident_impetus",
            "iskp.attacks_abroad_rate",
        ),
        {
            "first_recognition": 12,
            "china_ambassador": 12,
            "pakistan_ambassadors": 12,
            "iskp_abroad": 0.25,
        },
    ),
}

# The states' motives, matched state by state against that state's own relation record (its level in July 2025 and
# the dates of its dated steps), the other states at their defaults.  Every state is also held to the record that
# only one state recognised Kabul by July 2025, so that a state whose motives would carry it to recognition first
# is ruled out.
MOTIVES = ("base_desire", "threat_response", "follow_peers", "rights_weight", "rival_response")
STATE_RECORDS = {
    "russia": {"russia_2025": 0.1, "first_recognition": 12},
    "china": {"china_2025": 0.1, "china_ambassador": 12, "recognising_2025": 0.1},
    "pakistan": {"pakistan_2025": 0.1, "pakistan_ambassadors": 12, "recognising_2025": 0.1},
    "iran": {"iran_2025": 0.1, "recognising_2025": 0.1},
    "india": {"india_2025": 0.1, "recognising_2025": 0.1},
    "uzbekistan": {"uzbekistan_2025": 0.1, "recognising_2025": 0.1},
    "tajikistan": {"tajikistan_2025": 0.1, "recognising_2025": 0.1},
    "qatar": {"qatar_2025": 0.1, "recognising_2025": 0.1},
    "uae": {"uae_2025": 0.1, "uae_ambassador": 12, "recognising_2025": 0.1},
    "turkey": {"turkey_2025": 0.1, "recognising_2025": 0.1},
    "united_states": {"united_states_never_above_channels": 0.1, "recognising_2025": 0.1},
}


def motive_groups() -> dict:
    """One matching group per state: its motive parameters and its own relation records."""
    import sim.model.actors  # noqa: F401  (registers the parameters)

    return {
        f"{state.replace('_', ' ').title()}'s motives": (
            tuple(f"{state}.{m}" for m in MOTIVES if f"{state}.{m}" in PARAMS),
            targets,
        )
        for state, targets in STATE_RECORDS.items()
    }


def misses(values: dict, targets: dict, checks=None) -> np.ndarray:
    """Per replication, how many target records its path contradicts beyond the tolerance (the records of
    ``checks``, by default the whole record)."""
    by_id = {c.id: c for c in (CHECKS if checks is None else checks)}
    count = np.zeros(len(next(iter(values.values()))), dtype=int)
    for check_id, tol in targets.items():
        c, v = by_id[check_id], values[check_id]
        if c.as_date:
            lo, hi = c.low - tol, c.high + tol
        else:
            lo, hi = c.low * (1 - tol), (np.inf if c.at_least else c.high * (1 + tol))
        count += ~((v >= lo) & (v <= hi))  # NaN (never) is a miss
    return count


def history_match(
    replications: int = 6000,
    hypothesis: str = "engagement_moderates",
    groups: dict | None = None,
    checks=None,
    months: int | None = None,
    overrides: tuple[str, ...] = (),
):
    """For each group, draw its parameters over their whole declared ranges, run the hindcast, keep the
    replications that contradict none of the group's records (one, for groups of six records or more, whose
    records the model cannot all reach at once), and give each parameter's 5th-95th percentile among them: the
    range the record leaves plausible.

    ``checks`` limits the record to those checks (e.g. the records known at a date): a group's targets outside
    them are dropped, and a group left with none is not matched.  ``months`` shortens the runs to the months
    those records need.  ``overrides`` are further settings of the hindcast's plan: the parameters outside the group
    follow its ``uncertainty`` (drawn from their calibrated ranges by default; ``uncertainty=none`` holds them at
    their defaults)."""
    from dataclasses import replace


    p = plan(["experiment=hindcast", f"replications={replications}", f"experiment.hypotheses=[{hypothesis}]",
              *overrides])  # fmt: skip
    cell = p.cells[0]
    base = cell.setup if months is None else replace(cell.setup, months=months)
    reps = np.arange(replications)
    rows = []
    groups = {**MATCH_GROUPS, **motive_groups()} if groups is None else groups
    checks = CHECKS if checks is None else tuple(checks)
    known = {c.id for c in checks}
    for group, (names, targets) in groups.items():
        targets = {k: v for k, v in targets.items() if k in known}
        if not targets:
            continue
        wide = [replace(PARAMS[n], calibrated_range=None) for n in names]
        draws = scale(unit_design(cell.setup.seed + 1, reps, wide), wide)
        setup = replace(base, params={**cell.setup.params, **draws})
        values = extract(run_cell(setup, reps), setup.start, [c for c in checks if c.id in targets])
        kept = misses(values, targets, checks) <= (1 if len(targets) >= 6 else 0)
        for n in names:
            lo, hi = np.quantile(draws[n][kept], [0.05, 0.95]) if kept.sum() >= 20 else (np.nan, np.nan)
            rows.append(
                {
                    "group": group,
                    "parameter": n,
                    "declared": f"{PARAMS[n].low:g}-{PARAMS[n].high:g}",
                    "default": PARAMS[n].default,
                    "plausible_p05": round(float(lo), 4),
                    "plausible_p95": round(float(hi), 4),
                    "kept": int(kept.sum()),
                    "calibrated_range": PARAMS[n].calibrated_range,
                }
            )
    return pd.DataFrame(rows)


def peel_box(unit: np.ndarray, kept: np.ndarray, default: np.ndarray, target: float, step=0.05, min_points=200):
    """The box (in unit coordinates) left after peeling off, one thin slice at a time, the side of one parameter's
    range whose removal most raises the share of kept replications, until that share reaches ``target``.

    This is PRIM's peeling, constrained so that the box always holds the default (no slice crosses it): a box, not
    the kept set's marginal percentiles, because the record pins a state's net wish (its base wish less the rights
    penalty plus the threat it answers), and independent draws from marginal ranges would recombine into wishes the
    record rules out.
    """
    lo, hi = np.zeros(unit.shape[1]), np.ones(unit.shape[1])
    inside = np.ones(len(unit), dtype=bool)
    while kept[inside].mean() < target and inside.sum() > min_points:
        best = None
        for j in range(unit.shape[1]):
            col = unit[inside, j]
            for side, cut in (
                ("lo", min(np.quantile(col, step), default[j])),
                ("hi", max(np.quantile(col, 1 - step), default[j])),
            ):
                if (side == "lo" and cut <= lo[j]) or (side == "hi" and cut >= hi[j]):
                    continue
                new = inside & ((unit[:, j] >= cut) if side == "lo" else (unit[:, j] <= cut))
                if new.sum() < min_points:
                    continue
                share = kept[new].mean()
                if best is None or share > best[0]:
                    best = (share, j, side, cut, new)
        if best is None or best[0] <= kept[inside].mean():
            break
        _, j, side, cut, inside = best
        if side == "lo":
            lo[j] = cut
        else:
            hi[j] = cut
    return lo, hi, float(kept[inside].mean())


# Groups matched as a box (see box_match) besides the states' motives: ISKP's threat, which sets Russia's motive and
# the count of attacks abroad, with the ladder's steps, which set how soon a wish becomes a step.
BOX_GROUPS = {
    "ISKP's threat and the ladder's steps": (
        (
            "states.stages_per_rung",
            "states.impetus_decay",
            "states.hysteresis",
            "iskp.growth_rate",
            "iskp.suppression",
            "taliban.iskp_effort",
        ),
        {
            "first_recognition": 12,
            "russia_2025": 0.1,
            "china_ambassador": 12,
            "pakistan_ambassadors": 12,
            "iskp_abroad": 0.25,
        },
    ),
}


def _box_edge(param, unit_edge: float, side: str) -> float:
    """A box edge in the parameter's own units; for a whole-number parameter, the whole values the box holds."""
    if param.integer:
        value = param.low + unit_edge * (param.high - param.low + 1)
        return float(np.ceil(value - 1e-9) if side == "low" else np.floor(value - 1e-9))
    return round(float(param.low + unit_edge * (param.high - param.low)), 3)


def box_match(replications: int = 4000, hypothesis: str = "engagement_moderates", groups: dict | None = None):
    """Parameters whose effect the record pins only in combination (the states' motives; ISKP's threat with the
    ladder's steps): for each group, draw its parameters over their declared ranges, mark the replications that
    meet the group's records, and peel the declared box down to the part where the records are met nearly as
    often (nine tenths as often) as at the default values, where the model's own randomness in timing already
    misses some of them."""
    from dataclasses import replace


    p = plan(["experiment=hindcast", f"replications={replications}", f"experiment.hypotheses=[{hypothesis}]"])
    cell = p.cells[0]
    reps = np.arange(replications)
    default_values = extract(run_cell(cell.setup, reps), cell.setup.start)
    rows = []
    groups = {**motive_groups(), **BOX_GROUPS} if groups is None else groups
    for group, (names, targets) in groups.items():
        params = [replace(PARAMS[n], calibrated_range=None) for n in names]
        unit = unit_design(cell.setup.seed + 2, reps, params)
        integer = np.array([q.integer for q in params])
        lows = np.array([q.low for q in params])
        widths = np.array([q.high - q.low for q in params])
        # a whole-number parameter takes every whole value in its range equally often (as sim.model.sampling.scale)
        draws = {
            q.name: np.floor(lows[j] + unit[:, j] * (widths[j] + 1)).clip(q.low, q.high)
            if integer[j]
            else lows[j] + unit[:, j] * widths[j]
            for j, q in enumerate(params)
        }
        setup = replace(cell.setup, params={**cell.setup.params, **draws})
        kept = misses(extract(run_cell(setup, reps), setup.start), targets) == 0
        default_share = float((misses(default_values, targets) == 0).mean())
        default_unit = np.array(
            [(q.default - q.low + (0.5 if q.integer else 0.0)) / (q.high - q.low + q.integer) for q in params]
        )
        lo, hi, box_share = peel_box(unit, kept, default_unit, 0.9 * default_share)
        for j, q in enumerate(params):
            rows.append(
                {
                    "group": group,
                    "parameter": q.name,
                    "declared": f"{q.low:g}-{q.high:g}",
                    "default": q.default,
                    "box_low": _box_edge(q, lo[j], "low"),
                    "box_high": _box_edge(q, hi[j], "high"),
                    "met_at_default": round(default_share, 3),
                    "met_over_declared": round(float(kept.mean()), 3),
                    "met_in_box": round(box_share, 3),
                    "calibrated_range": PARAMS[q.name].calibrated_range,
                }
            )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    # python -m sim.calibration.history: the history match behind the calibrated ranges
    # python -m sim.calibration.history sampled [replications]: the hindcast with every uncertain parameter drawn
    import sys

    pd.set_option("display.width", 200)
    if sys.argv[1:2] == ["sampled"]:
        print(hindcast_text(sampled_hindcast(int(sys.argv[2]) if len(sys.argv) > 2 else 1000)), end="")
    else:
        print(history_match().to_string(index=False))
        print()
        print(box_match().to_string(index=False))
