"""What the model does, measured: every number in ``docs/`` about the model's behaviour, written from a run.

``python -m sim findings`` runs a few small experiments with fixed settings (the configured seed, the same
replications every time) and writes

- ``docs/findings.md``, a generated page: the recognition cascade under the status quo and under the recognition
  policy, and the hindcast's misses against the record, at the defaults and with every assumption drawn;
- the marked blocks of the hand-written pages (``<!-- generated: NAME -->`` ... ``<!-- end generated -->``), so
  the prose around a number stays hand-written while the number is this script's.

``python -m sim findings --check`` writes nothing and says which page or block is stale; a slow test runs it.
A number about the model's behaviour is never typed by hand: it goes into a block here or the page points here.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.config.names import ConfigError
from sim.model.record import RECORDS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FINDINGS_DOC = DOCS / "findings.md"
COMMAND = "python -m sim findings"

# the size of every run behind the findings (its staleness test reruns exactly this)
REPLICATIONS = 500
FORWARD_MONTHS = 120  # ten years from July 2025
SECOND_RECOGNISER_BY = ("2026-07", "2030-07")  # and by the end of the run
# the backtest at a size that keeps the whole command near a minute on two cores (the experiment's own is larger)
BACKTEST_MATCH = 2000
BACKTEST_FORECAST = 500

# a block may sit in a list item: its body takes the indentation of its opening mark
BLOCK = re.compile(r"^([ \t]*)(<!-- generated: ([a-z0-9_-]+) -->\n)(.*?)^([ \t]*<!-- end generated -->)", re.S | re.M)
OPEN_MARK = re.compile(r"<!-- generated: ([^ ]*) -->")


class FindingsError(Exception):
    """A page whose generated blocks cannot be filled: one line saying where."""


# --- the runs ------------------------------------------------------------------------------------------------------


def _run(overrides: list[str]) -> dict:
    """(scenario, hypothesis) -> (record of shape months x outcomes x replications, start)."""
    from sim.config.plan import plan
    from sim.model.ensemble import run_cell

    p = plan([*overrides, f"replications={REPLICATIONS}"])
    return {(c.scenario.name, c.hypothesis.name): (run_cell(c.setup, REPLICATIONS), c.setup.start) for c in p.cells}


@dataclass
class Runs:
    forward_drawn: dict  # status quo and recognition from July 2025, every assumption drawn
    forward_defaults: dict  # the same at the defaults
    hindcast_defaults: dict  # hypothesis -> per-check values
    hindcast_drawn: dict
    backtest: tuple  # (settings, table)


def run_backtest() -> tuple:
    """The backtest experiment's origins, worldviews and seed, at BACKTEST_MATCH and BACKTEST_FORECAST runs."""
    from sim.calibration.backtest import backtest_table
    from sim.config.designs.backtest import settings_of
    from sim.config.plan import plan

    backtest = plan(["experiment=backtest"])
    config = backtest.settings
    settings = {
        **settings_of(config),
        "match_replications": BACKTEST_MATCH,
        "forecast_replications": BACKTEST_FORECAST,
    }
    return settings, backtest_table(settings, config["experiment"]["hypotheses"], backtest.seed)


def run_all() -> Runs:
    from sim.model.record import extract

    forward = ["experiment=recognition_vs_isolation", f"months={FORWARD_MONTHS}", "scenario=recognition"]
    hindcast = ["experiment=hindcast"]

    def checks(cells):
        return {h: extract(record, start) for (_, h), (record, start) in cells.items()}

    return Runs(
        forward_drawn=_run([*forward, "uncertainty=parameters"]),
        forward_defaults=_run([*forward, "uncertainty=none"]),
        hindcast_defaults=checks(_run([*hindcast, "uncertainty=none"])),
        hindcast_drawn=checks(_run([*hindcast, "uncertainty=parameters"])),
        backtest=run_backtest(),
    )


# --- what is measured ------------------------------------------------------------------------------------------------


def _series(record, outcome: str) -> np.ndarray:
    from sim.model.outcomes import OUTCOME_INDEX

    return record[:, OUTCOME_INDEX[outcome], :].astype(np.float64)


def _month_index(start: tuple[int, int], month: str) -> int:
    return int((np.datetime64(month, "M") - np.datetime64(f"{start[0]:04d}-{start[1]:02d}", "M")).astype(np.int64))


def cascade(cells: dict, scenario: str) -> dict:
    """hypothesis -> the cascade's measures for one scenario."""
    from sim.model.actors import ACTORS, STATES

    names = {a.key: a.label for a in ACTORS}
    out = {}
    for (s, h), (record, start) in cells.items():
        if s != scenario:
            continue
        recognising = _series(record, "recognising_states")
        by = {}
        for month in SECOND_RECOGNISER_BY:
            last = _month_index(start, month)
            by[month] = float((recognising[: last + 1].max(axis=0) >= 2).mean())
        by["end"] = float((recognising.max(axis=0) >= 2).mean())
        final = recognising[-1]
        every_run = [names[k] for k in STATES if (_series(record, f"relation_{k}")[-1] >= 4).all()]
        out[h] = {
            "second_by": by,
            "final_mean": float(final.mean()),
            "final_median": float(np.median(final)),
            "final_p05": float(np.quantile(final, 0.05)),
            "final_p95": float(np.quantile(final, 0.95)),
            "pakistan": float((_series(record, "relation_pakistan")[-1] >= 4).mean()),
            "every_run": every_run,
            "end": str(np.datetime64(f"{start[0]:04d}-{start[1]:02d}", "M") + np.timedelta64(record.shape[0] - 1, "M")),
        }
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _span(values: list[float], fmt) -> str:
    lo, hi = min(values), max(values)
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}-{fmt(hi)}".replace("%-", "-")


def _one(x: float) -> str:
    return f"{x:.1f}"


# --- the hindcast ------------------------------------------------------------------------------------------------


def hindcast_tables(runs: Runs):
    from sim.analysis.hindcast import table

    return table(runs.hindcast_defaults), table(runs.hindcast_drawn)


def _verdict(row) -> str:
    return "inside 50%" if row["inside_50"] else ("inside 90%" if row["inside_90"] else "**outside**")


def hindcast_markdown(t, labels: dict) -> list[str]:
    """The hindcast table under the first worldview, with the other worldviews' verdicts where they differ."""
    from sim.analysis.hindcast import _width_text
    from sim.model.record import CHECKS

    dated = {c.id: c.as_date for c in CHECKS}
    shares = {c.id for c in CHECKS if c.share}
    hypotheses = list(dict.fromkeys(t["hypothesis"]))
    first = t[t["hypothesis"] == hypotheses[0]].set_index("id")
    others = {h: t[t["hypothesis"] == h].set_index("id") for h in hypotheses[1:]}
    out = [
        f"Under {labels.get(hypotheses[0], hypotheses[0])}; the last column gives the other worldviews' verdicts "
        "where they differ.",
        "",
        "| record | reported | value graded | model median | 50% band | 90% band | 90% width | verdict | "
        "other worldviews |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for record_id, r in first.iterrows():
        verdict = _verdict(r)
        differ = []
        for h, o in others.items():
            v = _verdict(o.loc[record_id])
            if v != verdict:
                differ.append(f"{labels.get(h, h)}: {v}")
        # a share of replications is one number, not a band
        bands = ("", "")
        if record_id not in shares:
            bands = (f"{r['model_p25']} to {r['model_p75']}", f"{r['model_p05']} to {r['model_p95']}")
        out.append(
            f"| {r['quantity']} | {r['reported']}{'' if r['sure'] else ' (uncertain)'} | {r['graded_value']} | "
            f"{r['model_median']} | {bands[0]} | {bands[1]} | {_width_text(r['band90_width'], dated[record_id])} | "
            f"{verdict} | {'; '.join(differ) or 'same'} |"
        )
    return out


def misses_markdown(t, labels: dict) -> list[str]:
    """Per worldview the count outside the 90% band, then each miss once with the worldviews that miss it, then the
    records the band holds but few runs land on."""
    from sim.analysis.hindcast import SHARP, hidden_records

    hypotheses = list(dict.fromkeys(t["hypothesis"]))
    counts = []
    for h in hypotheses:
        sub = t[t["hypothesis"] == h]
        counts.append(f"{int((~sub['inside_90']).sum())} of {len(sub)} under {labels.get(h, h)}")
    out = ["Records outside the model's 90% band: " + "; ".join(counts) + ".", ""]
    outside = t[~t["inside_90"]]
    for record_id, rows in outside.groupby("id", sort=False):
        r = rows.iloc[0]
        under = (
            "every worldview"
            if len(rows) == len(hypotheses)
            else ", ".join(labels.get(h, h) for h in rows["hypothesis"])
        )
        out.append(
            f"- `{record_id}`: {r['quantity']}; record {r['reported']}, model median {r['model_median']}, 90% band "
            f"{r['model_p05']} to {r['model_p95']} ({under})"
        )
    if outside.empty:
        out.append("- none")
    hidden = hidden_records(t)
    if not hidden.empty:
        out += [
            "",
            f"Inside the 90% band, but fewer than {SHARP:.0%} of the runs land on the record itself (its range, six "
            "months either side of a date, a tenth either side of a figure): the band's width, not the model, holds "
            "these.",
            "",
        ]
        for record_id, rows in hidden.groupby("id", sort=False):
            low, high = rows["reproduced_share"].min(), rows["reproduced_share"].max()
            share = f"{low:.0%}" if f"{low:.0%}" == f"{high:.0%}" else f"{low:.0%}-{high:.0%}"
            out.append(f"- `{record_id}`: {rows.iloc[0]['quantity']}; record {rows.iloc[0]['reported']}; {share} of runs")
    return out


def _row(t, hypothesis: str, record_id: str):
    sub = t[(t["hypothesis"] == hypothesis) & (t["id"] == record_id)]
    return sub.iloc[0]


# --- the page and the blocks ---------------------------------------------------------------------------------------


@dataclass
class Findings:
    page: str
    blocks: dict  # block name -> text (lines, ending in a newline)


def _window(when) -> str:
    return f"{when[0]}..{when[1]}" if isinstance(when, list) else str(when)


def _figure(entry) -> str:
    low, high = entry["range"]
    if entry.get("at_least"):
        return f"at least {low}"
    return str(low) if low == high else f"{low} to {high}"


def record_sources_markdown(entries) -> list[str]:
    """The record's entries as a table: what each measures, its figure, its document, and whether it is firm."""
    lines = ["| id | outcome | figure | publisher, document, date | firm? |", "|---|---|---|---|---|"]
    for e in entries:
        if e["kind"] == "date":
            measured = f"date ≥ {e['threshold']}"
        elif e["kind"] == "ratio":
            measured = f"ratio {_window(e['when'])} / {_window(e['over'])}"
        else:
            measured = f"{e['kind']} {_window(e['when'])}"
        firm = "yes" if e.get("sure", True) else "no, range widened"
        lines.append(f"| {e['id']} | {e['outcome']} ({measured}) | {_figure(e)} | {e['source']} | {firm} |")
    return lines


def render(runs: Runs) -> Findings:
    from sim.docs.worldviews import _labels

    labels = _labels()
    views = list(labels)
    sq = cascade(runs.forward_drawn, "status_quo")
    rec = cascade(runs.forward_drawn, "recognition")
    rec_default = cascade(runs.forward_defaults, "recognition")
    sq_default = cascade(runs.forward_defaults, "status_quo")
    t_default, t_drawn = hindcast_tables(runs)
    end = sq[views[0]]["end"]
    by_a, by_b = SECOND_RECOGNISER_BY

    page = [
        "# Findings: what the model does, measured",
        "",
        f"Generated by `{COMMAND}` ({REPLICATIONS} replications per cell, the configured seed); do not edit by hand.",
        "Every number in `docs/` about what the model does (shares of runs, medians, bands, records missed) is",
        "written here or into a block of a hand-written page marked `<!-- generated: NAME -->`, by the same",
        f"command; `{COMMAND} --check` says whether any is stale, and a slow test runs it. The numbers are those of",
        "the model as it stands, so they move when the model moves: rerun the command after any change.",
        "",
        "## The status quo from July 2025: does recognition spread?",
        "",
        f"The status quo, {FORWARD_MONTHS} months from July 2025 (to {end}). *Drawn*: every assumption drawn per",
        "replication from its sampling range (`uncertainty=parameters`; the default, `auto`, draws a policy",
        "comparison from the points the history match kept instead); *defaults*: every assumption",
        "at its default (`uncertainty=none`), so only the shocks differ.",
        "",
        f"| worldview | assumptions | a second recogniser by {by_a} | by {by_b} | by {end} | recognisers in {end}: "
        "mean [5-95%] | Pakistan recognising then |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in views:
        for how, c in (("drawn", sq[v]), ("defaults", sq_default[v])):
            page.append(
                f"| {labels[v]} | {how} | {_pct(c['second_by'][by_a])} | {_pct(c['second_by'][by_b])} | "
                f"{_pct(c['second_by']['end'])} | {_one(c['final_mean'])} "
                f"[{c['final_p05']:.0f}-{c['final_p95']:.0f}] | {_pct(c['pakistan'])} |"
            )
    page += [
        "",
        "## The recognition cascade",
        "",
        "The `recognition` scenario: the wish of Pakistan, China, Iran, Uzbekistan, Qatar, the UAE, Turkey, India",
        "and Tajikistan pushed towards recognition, as a lasting push rather than a schedule.",
        "",
        f"| worldview | assumptions | recognisers in {end}: mean [5-95%] | Pakistan recognising then | recognising in "
        "every run |",
        "|---|---|---|---|---|",
    ]
    for v in views:
        for how, c in (("drawn", rec[v]), ("defaults", rec_default[v])):
            page.append(
                f"| {labels[v]} | {how} | {_one(c['final_mean'])} [{c['final_p05']:.0f}-{c['final_p95']:.0f}] | "
                f"{_pct(c['pakistan'])} | {', '.join(c['every_run']) or 'none'} |"
            )
    page += [
        "",
        "## The hindcast against the record",
        "",
        "The status quo from August 2021 (`experiment=hindcast`) against the record to July 2025",
        "(`docs/calibration.md` gives the sources and how a record is graded).",
        "",
        "### At the defaults",
        "",
        *misses_markdown(t_default, labels),
        "",
        "### With every assumption drawn",
        "",
        *misses_markdown(t_drawn, labels),
        "",
        "### The first recognition",
        "",
        "{diplomacy}",
        "",
        "## Forecast skill",
        "",
        "{backtest}",
        "",
    ]

    blocks = {}
    sq_drawn = [sq[v] for v in views]
    blocks["status-quo-cascade"] = (
        f"Under the status quo with every assumption drawn, a second state recognises Kabul by {by_a} in "
        f"{_span([c['second_by'][by_a] for c in sq_drawn], _pct)} of runs and by {by_b} in "
        f"{_span([c['second_by'][by_b] for c in sq_drawn], _pct)}, by {end} in "
        f"{_span([c['second_by']['end'] for c in sq_drawn], _pct)} (the range over the four worldviews); "
        f"{_span([c['final_mean'] for c in sq_drawn], _one)} states recognise on average by {end}."
    )
    rec_drawn = [rec[v] for v in views]
    every = [k for k in rec_default[views[0]]["every_run"] if all(k in rec_default[v]["every_run"] for v in views)]
    blocks["recognition-cascade"] = (
        f"At the default parameters the recognition cascade's pushes carry {len(every)} states to recognition in "
        f"every run under every worldview ({', '.join(every) or 'none'}), "
        f"{_span([rec_default[v]['final_mean'] for v in views], _one)} on average; with parameters sampled "
        f"from their ranges the number varies ({_span([c['final_mean'] for c in rec_drawn], _one)} on average, "
        f"Pakistan recognising in {_span([c['pakistan'] for c in rec_drawn], _pct)} of draws)."
    )
    counts = {h: int((~t_default[t_default["hypothesis"] == h]["inside_90"]).sum()) for h in views}
    total = len(t_default[t_default["hypothesis"] == views[0]])
    missed = list(dict.fromkeys(t_default[~t_default["inside_90"]]["quantity"]))
    blocks["hindcast-misses"] = (
        f"At the defaults, {_span(list(counts.values()), str)} of the {total} records fall outside the model's 90% "
        f"band, depending on the worldview: {'; '.join(missed) or 'none'}."
    )
    need = {y: _row(t_default, views[0], f"need_{y}") for y in ("2022", "2023")}
    blocks["need-peak"] = (
        f"Under {labels[views[0]]} at the defaults need's median is {need['2022']['model_median']} million in 2022 "
        f"and {need['2023']['model_median']} million in 2023, against the record's {need['2022']['reported']} and "
        f"{need['2023']['reported']} million."
    )
    blocks["record-sources"] = "\n".join(record_sources_markdown(RECORDS))
    blocks["hindcast-defaults-table"] = "\n".join(hindcast_markdown(t_default, labels))
    blocks["hindcast-drawn-table"] = "\n".join(hindcast_markdown(t_drawn, labels))
    russia_first = [float(_row(t_drawn, v, "russia_first")["model_median"]) for v in views]
    first = _row(t_drawn, views[0], "first_recognition")
    never = [float(_row(t_drawn, v, "first_recognition")["never_share"]) for v in views]
    near = [float(_row(t_drawn, v, "first_recognition")["within_a_year_share"]) for v in views]
    blocks["hindcast-drawn-diplomacy"] = (
        f"With every assumption drawn the first recognition has a median of {first['model_median']} under "
        f"{labels[views[0]]}, a 90% band from {first['model_p05']} to {first['model_p95']}, \"never\" (none by the "
        f"end of the run) in {_span(never, _pct)} of replications and within a year of July 2025 in "
        f"{_span(near, _pct)} (over the four worldviews); Russia is first in {_span(russia_first, _pct)} of the "
        "replications with a recognition."
    )
    russia = [float(np.mean(runs.hindcast_defaults[v]["russia_2025"] >= 4)) for v in views]
    blocks["russia-by-july-2025"] = f"{_span(russia, _pct)}"
    from sim.calibration.backtest import skill_sentences

    settings, skill = runs.backtest
    origins = ", ".join(str(o) for o in settings["origins"])
    under = ", ".join(labels.get(h, h) for h in dict.fromkeys(skill["hypothesis"]))
    blocks["backtest-skill"] = (
        f"Under {under}, at origins {origins}, with {settings['match_replications']:,} runs per group for the history "
        f"match and {settings['forecast_replications']:,} forecast runs (fewer than the experiment's own, so a run "
        "of `experiment=backtest` gives numbers close to these, not equal). " + " ".join(skill_sentences(skill))
    )
    page = [line.replace("{backtest}", blocks["backtest-skill"]) for line in page]
    page = [line.replace("{diplomacy}", blocks["hindcast-drawn-diplomacy"]) for line in page]
    blocks = {k: v.rstrip("\n") + "\n" for k, v in blocks.items()}
    return Findings(page="\n".join(page), blocks=blocks)


def fill_blocks(text: str, blocks: dict, where: str) -> str:
    """``text`` with every marked block's body replaced by its generated text; a block with no end or of a name
    this script does not write is refused."""
    opened = OPEN_MARK.findall(text)
    closed = BLOCK.findall(text)
    if len(opened) != len(closed):
        raise FindingsError(f"{where}: a '<!-- generated: NAME -->' block has no '<!-- end generated -->'")
    for _, _, name, _, _ in closed:
        if name not in blocks:
            raise FindingsError(f"{where}: no generated block is called {name!r}; known: {', '.join(sorted(blocks))}")
    def body(m) -> str:
        indent = m.group(1)
        lines = blocks[m.group(3)].splitlines(keepends=True)
        return indent + m.group(2) + "".join(indent + line if line.strip() else line for line in lines) + m.group(5)

    return BLOCK.sub(body, text)


def pages_with_blocks() -> list[Path]:
    return [p for p in sorted(DOCS.glob("*.md")) if p != FINDINGS_DOC and "<!-- generated:" in p.read_text("utf-8")]


def outputs(findings: Findings) -> dict[Path, str]:
    """Every file this command writes, with its generated text."""
    out = {FINDINGS_DOC: findings.page}
    for path in pages_with_blocks():
        out[path] = fill_blocks(path.read_text(encoding="utf-8"), findings.blocks, str(path.relative_to(ROOT)))
    return out


def main(args: list[str]) -> int:
    unknown = [a for a in args if a != "--check"]
    if unknown:
        print(f"error: unknown option {unknown[0]!r} for 'findings'; the only option is --check", file=sys.stderr)
        return 2
    check = "--check" in args
    try:
        # the pages are read before the long run, so a broken block is said at once
        for path in pages_with_blocks():
            fill_blocks(path.read_text(encoding="utf-8"), _NAMES, str(path.relative_to(ROOT)))
        files = outputs(render(run_all()))
    except FindingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        # a configuration file the runs read is broken: said in one line, nothing written
        print(f"error: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return 2
    stale = [p for p, text in files.items() if (p.read_text(encoding="utf-8") if p.exists() else "") != text]
    if check:
        for p in stale:
            print(f"error: {p.relative_to(ROOT)} is stale; regenerate it with '{COMMAND}'", file=sys.stderr)
        if not stale:
            print(f"{', '.join(str(p.relative_to(ROOT)) for p in files)}: up to date")
        return 1 if stale else 0
    for p in stale:
        try:
            p.write_text(files[p], encoding="utf-8")
        except OSError as exc:
            print(f"error: could not write {p.relative_to(ROOT)}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"wrote {p.relative_to(ROOT)}")
    if not stale:
        print("the findings were up to date; nothing written")
    return 0


# the names of the blocks render() writes (checked before the run)
_NAMES = dict.fromkeys(
    (
        "status-quo-cascade",
        "recognition-cascade",
        "hindcast-misses",
        "need-peak",
        "record-sources",
        "hindcast-defaults-table",
        "hindcast-drawn-table",
        "hindcast-drawn-diplomacy",
        "russia-by-july-2025",
        "backtest-skill",
    ),
    "",
)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
