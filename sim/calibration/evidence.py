"""Weighing the worldviews against the record: one history match per worldview, one implausibility measure.

Each worldview (configs/hypothesis/*.yaml) is run from August 2021 under the status quo at the same parameter
points, drawn from the ranges every run samples (``sim.model.sampling``), with a few replications of the shocks per
point.  Every figure of the record to July 2025 (``sim/model/data/aug2021_jul2025.yaml``, read by ``sim.model.record``)
is then compared with the model's mean at that point:

    I = |record - model mean| / sqrt(model variance + record variance + discrepancy variance)

where the model variance is the spread of the point's replications (the model's own randomness), the record
variance reads the record's range as its 95% interval, and the discrepancy is how far a correct worldview's
model may still miss for want of detail (an assumption, stated in DISCREPANCY below).  A point whose second
largest I over the record's figures is below 3 is *kept*: the record does not rule it out (Pukelsheim's three-sigma
rule, as history matching uses it; with dozens of figures the second or third largest I is the usual cut, so that
one odd figure does not decide: Vernon et al. 2010; Andrianakis et al. 2015 for stochastic models).

A figure that most points of *every* worldview miss (STRUCTURAL_SHARE) is a miss of the shared model, not of any
worldview: it cannot tell the worldviews apart and would only rule out everything.  Such figures are found by the
match itself, listed as findings beside the weights, and left out of the cut.

A worldview's **non-implausible share** is the share of its points kept.  Its **weight from the record** is that
share, normalised over the worldviews: the marginal likelihood of the record under the worldview with the
implausibility cut as the acceptance kernel (ABC model choice by rejection: Grelaud et al. 2009; Toni et al.
2009).  It is chosen over a product of Gaussian likelihoods because the record's figures are not independent
(a year's attacks and its deaths, four years of need) and their errors are not known to be Gaussian: the product
would claim more certainty than the record gives, and would hinge on the tail of an assumed error.  The
Gaussian alternative (share x mean likelihood of the kept points) is stored beside it for comparison.

``python -m sim evidence`` runs the match and writes ``sim/model/data/worldview_weights.yaml`` (the shares, weights,
records most often missed and the kept points of every worldview) and ``docs/evidence.md``.  The kept points are
regenerable from the file: point i is ``sim.model.sampling.draw_parameters(seed, [i])`` with the worldview's own
parameters set as in its file, so ``uncertainty=matched`` draws futures from them alone.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from sim.analysis.weights import _normalise
from sim.config.names import CONFIG_DIR, available
from sim.config.plan import _load, plan
from sim.config.schema import HypothesisConfig
from sim.model.ensemble import run_cell
from sim.model.record import CHECKS, RECORDS_FILE, Check, extract
from sim.model.rules import PARAMS
from sim.model.sampling import draw_parameters
from sim.model.weights import EVIDENCE_FILE, _loaded, load_evidence

EVIDENCE_DOC = Path(__file__).resolve().parents[2] / "docs" / "evidence.md"
MATCH_MONTHS = 53  # August 2021 to December 2025: every record, and time for a date just after July 2025
CUTOFF = 3.0
KEEP_RANK = 2  # a point is kept when its KEEP_RANK-th largest implausibility is below CUTOFF
STRUCTURAL_SHARE = 0.8  # a figure missed (I >= CUTOFF) by at least this share of every worldview's points
POINTS = 1000  # parameter points per worldview
REPLICATES = 4  # replications of the shocks per point: the model's mean and variance at the point
SEED = 20250701

# Labelled assumptions of the implausibility measure (a standard deviation each, in the figure's own unit):
# the discrepancy's plausible range, over which the shares and weights are also reported
DISCREPANCY_RANGE = (0.05, 0.20)
DISCREPANCY = {
    # how far a correct worldview's model may miss a figure for want of detail: 10% of the figure (plausible
    # 5-20%), three months for the date of an event (plausible 1-6), half a step for a whole-number count
    # (relation rungs, states, months, events), which a model of mean behaviour cannot hit exactly
    "relative": 0.10,
    "months": 3.0,
    "count_step": 0.5,
}
RECORD_ERROR = {
    # assumptions: a record's range is read as its 95% interval (two standard deviations each side); a single
    # figure has at least this error: 5% of the figure when firm (plausible 2-10%: counts of attacks and returns
    # are revised by about that much), 10% when trackers disagree or it is recalled with doubt (5-20%); a month
    # for a dated event (reported to the month)
    "firm": 0.05,
    "doubtful": 0.10,
    "months": 1.0,
}
COUNT_OUTCOMES = ("recognising_states", "girls_schools_open", "civil_war", "clash_pakistan_afghanistan")
COUNT_PREFIXES = ("relation_", "iskp_attacks")
METHOD = (
    "ABC model choice by rejection: each worldview's weight is the share of its parameter points the record does "
    "not rule out (second largest implausibility below 3, figures every worldview misses left out), normalised "
    "over the worldviews"
)
ALTERNATIVE = "share x mean Gaussian likelihood of the record over the kept points, normalised"


def _is_count(check: Check) -> bool:
    return check.outcome in COUNT_OUTCOMES or check.outcome.startswith(COUNT_PREFIXES)


# Figures of mechanisms the model leaves out, which no worldview and no parameter point can reach: they would rule
# out every point alike and weigh nothing.  (The opium ban of 2022 is now modelled, so its figure is matched.)
LEFT_OUT: dict[str, str] = {}


def matched_checks() -> tuple[Check, ...]:
    """The record's figures read per replication (the Russia-first share is a share of futures, not a figure),
    less those of mechanisms the model leaves out."""
    return tuple(c for c in CHECKS if not c.share and c.id not in LEFT_OUT)


@dataclass(frozen=True)
class Scale:
    """Per check: the record's value, its variance and the discrepancy variance."""

    value: np.ndarray
    low: np.ndarray
    at_least: np.ndarray
    record_var: np.ndarray
    discrepancy_var: np.ndarray


def scales(checks=None, relative: float | None = None) -> Scale:
    """The record's values and variances; ``relative`` replaces the discrepancy's relative part."""
    checks = matched_checks() if checks is None else checks
    relative = DISCREPANCY["relative"] if relative is None else relative
    value, low, at_least, rec, disc = [], [], [], [], []
    for c in checks:
        mid = (c.low + c.high) / 2.0
        if c.as_date:
            rec_sd = max((c.high - c.low) / 4.0, RECORD_ERROR["months"])
            disc_sd = DISCREPANCY["months"]
        else:
            floor = RECORD_ERROR["firm" if c.sure else "doubtful"] * abs(mid)
            rec_sd = max((c.high - c.low) / 4.0, floor)
            disc_sd = relative * abs(mid) + (DISCREPANCY["count_step"] if _is_count(c) else 0.0)
        value.append(c.low if c.at_least else mid)
        low.append(c.low)
        at_least.append(c.at_least)
        rec.append(rec_sd**2)
        disc.append(disc_sd**2)
    return Scale(*(np.array(x) for x in (value, low, at_least, rec, disc)))


def _never(start: tuple[int, int], months: int) -> float:
    """A date that never comes within the run counts as the month after its end."""
    first = np.datetime64(f"{start[0]:04d}-{start[1]:02d}", "M")
    return float((first + np.timedelta64(months, "M")).astype(np.int64))


def point_statistics(values: dict, replicates: int, start, months, checks=None) -> tuple[np.ndarray, np.ndarray]:
    """(mean, variance) per point and check, shape (points, checks), from ``replicates`` runs per point."""
    checks = matched_checks() if checks is None else checks
    never = _never(start, months)
    columns = []
    for c in checks:
        v = np.asarray(values[c.id], dtype=np.float64)
        v = np.where(np.isnan(v), never if c.as_date else 0.0, v)
        columns.append(v.reshape(-1, replicates))
    stacked = np.stack(columns, axis=2)  # (points, replicates, checks)
    var = stacked.var(axis=1, ddof=1) if replicates > 1 else np.zeros(stacked.shape[::2])
    return stacked.mean(axis=1), var


def implausibility(mean: np.ndarray, var: np.ndarray, scale: Scale) -> np.ndarray:
    """I per point and check; a lower bound ("at least") is missed only from below."""
    gap = scale.value - mean
    gap = np.where(scale.at_least, np.maximum(gap, 0.0), np.abs(gap))
    return gap / np.sqrt(var + scale.record_var + scale.discrepancy_var)


def log_likelihood(mean: np.ndarray, var: np.ndarray, scale: Scale) -> np.ndarray:
    """Gaussian log-likelihood of the whole record at each point (the alternative weight's ingredient)."""
    total = var + scale.record_var + scale.discrepancy_var
    z = implausibility(mean, var, scale)
    return (-0.5 * z**2 - 0.5 * np.log(2 * np.pi * total)).sum(axis=1)


def point_parameters(seed: int, points, fixed) -> dict:
    """The drawn values of the given parameter points (sim.model.sampling's keyed draws: point i is replication i)."""
    return draw_parameters(seed, np.asarray(points, dtype=np.int64), fixed=tuple(fixed))


def kept_by(implausibility: np.ndarray, checks: list, structural=()) -> np.ndarray:
    """Which points the record leaves: the KEEP_RANK-th largest I below CUTOFF, structural misses left out."""
    use = np.array([c not in set(structural) for c in checks], dtype=bool)
    ranked = -np.sort(-implausibility[:, use], axis=1)
    return ranked[:, min(KEEP_RANK, ranked.shape[1]) - 1] < CUTOFF


def structural_misses(results: dict) -> list[str]:
    """Figures that at least STRUCTURAL_SHARE of every worldview's points miss: misses of the shared model."""
    checks = next(iter(results.values()))["checks"]
    missed = np.min([(r["implausibility"] >= CUTOFF).mean(axis=0) for r in results.values()], axis=0)
    return [c for c, m in zip(checks, missed) if m >= STRUCTURAL_SHARE]


def match_worldview(
    hypothesis: str, points, replicates: int = REPLICATES, seed: int = SEED, structural=()
) -> dict:
    """Run the record's period at each parameter point under ``hypothesis``; per point: largest I, kept, log L."""
    points = np.asarray(points, dtype=np.int64)
    p = plan(
        [
            "experiment=hindcast",
            f"experiment.hypotheses=[{hypothesis}]",
            f"months={MATCH_MONTHS}",
            "uncertainty=none",
            f"seed={seed}",
            "replications=1",
        ],
    )
    cell = p.cells[0]
    own = cell.setup.params
    drawn = point_parameters(seed, points, own)
    reps = (points[:, None] * replicates + np.arange(replicates)).ravel()  # each run's own shocks
    params = {**{k: np.repeat(v, replicates) for k, v in drawn.items()}, **own}
    setup = replace(cell.setup, params=params, sampling=None)
    values = extract(run_cell(setup, reps), setup.start)
    checks = matched_checks()
    mean, var = point_statistics(values, replicates, setup.start, setup.months, checks)
    scale = scales(checks)
    imp = implausibility(mean, var, scale)
    return {
        "points": points,
        "mean": mean,
        "variance": var,
        "implausibility": imp,
        "i_max": imp.max(axis=1),
        "kept": kept_by(imp, [c.id for c in checks], structural),
        "log_likelihood": log_likelihood(mean, var, scale),
        "checks": [c.id for c in checks],
    }


def weigh(hypotheses=None, points: int = POINTS, replicates: int = REPLICATES, seed: int = SEED):
    """The history match of every worldview and the weights from the record, as written to EVIDENCE_FILE, and
    the seconds each worldview's match took."""
    hypotheses = list(hypotheses or available("hypothesis"))
    ids = np.arange(points)
    results, seconds = {}, {}
    for h in hypotheses:
        t0 = time.perf_counter()
        results[h] = match_worldview(h, ids, replicates, seed)
        seconds[h] = time.perf_counter() - t0
    structural = structural_misses(results)
    for r in results.values():
        r["kept"] = kept_by(r["implausibility"], r["checks"], structural)
    share = {h: float(r["kept"].mean()) for h, r in results.items()}
    weights = _normalise(share)
    # the alternative, in logs: share x mean likelihood of the kept points
    log_alt = {}
    for h, r in results.items():
        kept = r["log_likelihood"][r["kept"]]
        log_alt[h] = math.log(share[h]) + float(np.log(np.mean(np.exp(kept - kept.max()))) + kept.max()) if len(
            kept
        ) else -math.inf
    top = max(log_alt.values())
    alternative = _normalise({h: (math.exp(v - top) if np.isfinite(v) else 0.0) for h, v in log_alt.items()})
    # the same match with the discrepancy at either end of its plausible range
    at_range = {}
    for relative in DISCREPANCY_RANGE:
        scale = scales(relative=relative)
        kept = {}
        for h, r in results.items():
            kept[h] = float(kept_by(implausibility(r["mean"], r["variance"], scale), r["checks"], structural).mean())
        at_range[relative] = (kept, _normalise(kept))
    worldviews = {}
    for h, r in results.items():
        missed = (r["implausibility"] >= CUTOFF).mean(axis=0)
        order = np.argsort(-missed, kind="stable")[:5]
        worldviews[h] = {
            "non_implausible_share": round(share[h], 4),
            # the share's sampling error over the points drawn: differences below about twice it are noise
            "share_se": round(math.sqrt(share[h] * (1 - share[h]) / points), 4),
            "weight": round(weights[h], 4),
            "weight_gaussian": round(alternative[h], 4),
            "kept": int(r["kept"].sum()),
            "median_i_max": round(float(np.median(r["i_max"])), 3),
            "discrepancy_range": {
                f"{rel:g}": {"share": round(at_range[rel][0][h], 4), "weight": round(at_range[rel][1][h], 4)}
                for rel in DISCREPANCY_RANGE
            },
            "most_missed": {r["checks"][j]: round(float(missed[j]), 3) for j in order if missed[j] > 0},
            "kept_points": [int(i) for i in r["points"][r["kept"]]],
        }
    # the largest gap between two shares, with its standard error paired over the same points
    high, low = max(share, key=share.get), min(share, key=share.get)
    diff = results[high]["kept"].astype(float) - results[low]["kept"].astype(float)
    gap = {
        "between": [high, low],
        "difference": round(float(diff.mean()), 4),
        "paired_se": round(float(diff.std(ddof=1) / math.sqrt(points)), 4),
    }
    data = {
        "method": METHOD,
        "alternative": ALTERNATIVE,
        "measure": "I = |record - model mean| / sqrt(model variance + record variance + discrepancy variance)",
        "cutoff": CUTOFF,
        "discrepancy": dict(DISCREPANCY),
        "record_error": dict(RECORD_ERROR),
        "seed": seed,
        "points": points,
        "replicates": replicates,
        "months": MATCH_MONTHS,
        "records": [c.id for c in matched_checks()],
        "left_out": dict(LEFT_OUT),
        "keep_rank": KEEP_RANK,
        "structural_share": STRUCTURAL_SHARE,
        "structural": structural,
        "inputs": inputs_digest(),
        "largest_gap": gap,
        "worldviews": worldviews,
    }
    return data, seconds


def inputs_digest() -> str:
    """A digest of what the match reads: the record, the worldviews' files and every parameter's range."""
    import sim.model.actors  # noqa: F401

    h = hashlib.sha256(RECORDS_FILE.read_bytes())
    for path in sorted((CONFIG_DIR / "hypothesis").glob("*.yaml")):
        h.update(path.name.encode() + path.read_bytes())
    for name, p in sorted(PARAMS.items()):
        h.update(f"{name}:{p.uncertain}:{p.sampling_range}:{p.default}:{p.integer}".encode())
    return h.hexdigest()[:16]


# --- reading the committed result -------------------------------------------------------------------------------


# --- the command and the doc ---------------------------------------------------------------------------------


def evidence_doc(data: dict) -> str:
    """docs/evidence.md: the weights table and how it was made, from the committed file alone."""
    lines = [
        "# The worldviews weighed against the record",
        "",
        "Generated by `python -m sim evidence` from `sim/model/data/worldview_weights.yaml`; do not edit by hand.",
        "",
        f"Each worldview is run from August 2021 under the status quo at the same {data['points']:,} parameter "
        f"points (drawn from the ranges every run samples, seed {data['seed']}), {data['replicates']} "
        f"replications of the shocks per point, and held to the {len(data['records'])} figures of the record to "
        "July 2025 (`sim/model/data/aug2021_jul2025.yaml`) with one measure:",
        "",
        f"    {data['measure']}",
        "",
        f"A point is kept when its second largest I over the figures is below {data['cutoff']:g} (with dozens of "
        "figures, one odd figure should not decide). The record variance "
        "reads the record's range as its 95% interval, with at least "
        f"{data['record_error']['firm']:.0%} of the figure ({data['record_error']['doubtful']:.0%} when doubtful) "
        f"or {data['record_error']['months']:g} month for a date. **Assumption:** the discrepancy (how far a "
        f"correct worldview may still miss) is {data['discrepancy']['relative']:.0%} of the figure (plausible "
        f"5-20%), {data['discrepancy']['months']:g} months for a date (1-6), plus half a step for whole-number "
        "counts.",
        "",
        f"**Weight from the record:** {data['method']}. It is the marginal likelihood of the record under each "
        "worldview with the cut as the acceptance kernel. A product of Gaussian likelihoods would treat the "
        "record's figures as independent, which they are not (a year's attacks and deaths, four years of need); "
        f"that alternative ({data['alternative']}) is shown beside it.",
        "",
        "Left out of the match: "
        + (
            "; ".join(f"`{k}` ({why})" for k, why in data["left_out"].items())
            or "no figure for a mechanism the model lacks"
        )
        + ".",
        "",
        f"**Misses of the shared model (findings):** figures that at least {data['structural_share']:.0%} of every "
        "worldview's points miss cannot tell the worldviews apart; they are left out of the cut and listed here: "
        + (", ".join(f"`{k}`" for k in data["structural"]) or "none")
        + ".",
        "",
        "| Worldview | Non-implausible share (± s.e.) | Weight from the record | Weight at a discrepancy of "
        + " / ".join(f"{float(k):.0%}" for k in next(iter(data["worldviews"].values()))["discrepancy_range"])
        + " | Gaussian alternative | Median largest I | Figures most often missed (share of points) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for h, v in data["worldviews"].items():
        try:
            label = _load("hypothesis", h, HypothesisConfig).label
        except Exception:  # a worldview whose file is gone still has its row
            label = h
        missed = ", ".join(f"{k} ({s:.0%})" for k, s in list(v["most_missed"].items())[:3]) or "none"
        lines.append(
            f"| {label} | {v['non_implausible_share']:.3f} ± {v['share_se']:.3f} ({v['kept']} of {data['points']:,}) "
            f"| {v['weight']:.3f} | "
            + " / ".join(f"{x['weight']:.3f}" for x in v["discrepancy_range"].values())
            + f" | {v['weight_gaussian']:.3f} | {v['median_i_max']:.2f} | {missed} |"
        )
    g = data["largest_gap"]
    gap, noise = g["difference"], 2 * g["paired_se"]
    lines += [
        "",
        (
            f"The shares differ by at most {gap:.3f} ({g['between'][0]} over {g['between'][1]}), within twice its "
            f"standard error over the same points ({noise:.3f}): the record to July 2025 does not tell these "
            "worldviews apart, and the evidence-weighted answers are close to the unweighted ones."
            if gap <= noise
            else f"The shares differ by up to {gap:.3f} ({g['between'][0]} over {g['between'][1]}), more than twice "
            f"its standard error over the same points ({noise:.3f}): the record favours some worldviews."
        ),
    ]
    lines += [
        "",
        "Analyses give two answers side by side: robust across worldviews (unweighted: each worldview counts "
        "equally) and evidence-weighted with these weights; `weights.NAME=...` on the command line replaces a "
        "worldview's weight. `uncertainty=matched` draws each replication's parameters from its worldview's kept "
        "points instead of the independent ranges.",
        "",
        f"Inputs digest {data['inputs']}: the record, the worldviews' files and the parameter ranges this table "
        "was made from. Rerun `python -m sim evidence` after any of them changes.",
        "",
    ]
    return "\n".join(lines)


def write_evidence(data: dict, path: Path = EVIDENCE_FILE, doc: Path = EVIDENCE_DOC):
    header = (
        "# The worldviews weighed against the record to July 2025: written by `python -m sim evidence`\n"
        "# (sim/calibration/evidence.py); do not edit by hand.  kept_points: parameter point i is\n"
        "# sim.model.sampling.draw_parameters(seed, [i]) with the worldview's own parameters set as in its file.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, width=120, default_flow_style=None)
    Path(path).write_text(header + body, encoding="utf-8")
    Path(doc).write_text(evidence_doc(data), encoding="utf-8")
    _loaded.clear()


def main(args: list[str]) -> int:
    """``python -m sim evidence [--points N] [--check]``: run the match and write the table and its doc."""
    import sys

    points, check = POINTS, False
    rest = list(args)
    while rest:
        a = rest.pop(0)
        if a == "--check":
            check = True
        elif a == "--points" and rest and rest[0].isdigit() and 20 <= int(rest[0]) <= 100_000:
            points = int(rest.pop(0))
        else:
            print(
                "error: evidence takes --points N (20 to 100,000) and --check (compare the doc with the table)",
                file=sys.stderr,
            )
            return 2
    if check:
        data = load_evidence()
        if data is None or not EVIDENCE_DOC.is_file() or EVIDENCE_DOC.read_text(encoding="utf-8") != evidence_doc(
            data
        ):
            print("error: docs/evidence.md is not the table's; run python -m sim evidence", file=sys.stderr)
            return 1
        if data.get("inputs") != inputs_digest():
            print("error: the record, a worldview or a parameter range changed; run python -m sim evidence",
                  file=sys.stderr)
            return 1
        print("evidence: up to date")
        return 0
    t0 = time.perf_counter()
    data, seconds = weigh(points=points)
    write_evidence(data)
    print(f"evidence: {EVIDENCE_FILE} and {EVIDENCE_DOC} written in {time.perf_counter() - t0:.0f} s")
    for h, v in data["worldviews"].items():
        print(f"  {h}: share {v['non_implausible_share']:.3f}, weight {v['weight']:.3f} ({seconds[h]:.1f} s)")
    return 0
