"""The live page (Solara): choose a scenario and hypotheses, move levers and assumptions, watch one future.

Every reactive value here is per browser session (Solara keeps one copy per connection), and each run is
made for that session's choice, so two people moving sliders never share a model.
"""

from __future__ import annotations

import html
import math
import os
import threading
import time
from pathlib import Path

import numpy as np
import solara
import solara.lab
from markdown_it import MarkdownIt

from sim.analysis.labels import capitalised, outcome_words
from sim.dashboard import attribution, charts, folder, runner
from sim.model.actors import ACTORS
from sim.model.levers import DESIRE_SHIFT_RANGE, NUMERIC_LEVERS
from sim.model.outcomes import OUTCOME, OUTCOME_INDEX
from sim.model.rules import RULES

PLAY_SECONDS = 0.5
TOP_RULES = 5

STYLE = """
.md strong { font-weight: 700; }
.md small { overflow-wrap: anywhere; }
/* an open group of assumptions must not widen the sidebar over the page: keep its width, scroll within */
.v-navigation-drawer { max-width: 400px !important; }
.v-navigation-drawer__content { overflow-x: hidden; }
.md p { margin-bottom: 6px; }
.md ul { margin-bottom: 10px; }
.md table { border-collapse: collapse; margin-top: 4px; }
.md td, .md th { border-bottom: 1px solid #ddd; padding: 2px 10px; text-align: left; }
/* a slider's label (a lever's meaning) on a line of its own above the track, with room for the value that is
   always shown over the thumb */
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-input__slot > .v-label { flex: 1 0 100%; white-space: normal; height: auto; line-height: 1.3;
  margin: 0 0 36px 0; font-size: 14px; }
"""

# in the server, the worker processes start (and import the model) while the first browser connects
if os.environ.get("SIM_DASHBOARD_SERVER") == "1":
    runner.worker_pool()

# the page opens on the question of the default experiment (configs/config.yaml): its first policy
scenario = solara.reactive(runner.catalogue().question_scenarios[0])
hypothesis_choice = solara.reactive("engagement_moderates")  # a hypothesis name, or "all"
lever_changes = solara.reactive({})
# one reactive value per assumption (None: not fixed), so moving one slider re-renders that slider alone
fixed_params = {p.name: solara.reactive(None) for params in runner.assumption_groups().values() for p in params}
uncertainty = solara.reactive(True)
replications = solara.reactive(1000)
# the one line that says why a typed number of replications was not taken ("" when the last one was)
replications_refused = solara.reactive("")
tab = solara.reactive(0)
watched_replication = solara.reactive(0)
watched_hypothesis = solara.reactive("")
watched_month = solara.reactive(0)
playing = solara.reactive(False)
effect_outcome = solara.reactive("deaths_pakistan")
folder_path = solara.reactive("")
# the folder whose results folders the page may open (python -m sim.dashboard --results-root)
RESULTS_ROOT = Path(os.environ.get("SIM_DASHBOARD_RESULTS_ROOT", "results")).resolve()

# the page's own texts, which use a few tags such as <small>; nothing read from a results folder goes through
# this one (see folder.ResultsFolder.report_html), and every text read from a file (a scenario's label, a
# hypothesis's, a rule's statement, a paraphrased claim) goes in escaped (``_plain``)
_OWN_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")


def _plain(text) -> str:
    """A text from a file as it reads, inside the page's own markdown: none of its tags is markup."""
    return html.escape(str(text), quote=False)


def scenario_heading(s) -> str:
    sources = _plain(", ".join(s.sources))
    return f"**{_plain(s.label)}** — {_plain(s.description)}  \n<small>sources: {sources}</small>"


@solara.component
def Md(text: str, classes=()):
    """The page's own markdown rendered here, as HTML: solara.Markdown would fetch a math renderer from the
    network."""
    solara.HTML(tag="div", unsafe_innerHTML=_OWN_MARKDOWN.render(text), classes=["md", *classes])


def current_choice() -> runner.Choice:
    cat = runner.catalogue()
    names = tuple(cat.hypotheses) if hypothesis_choice.value == "all" else (hypothesis_choice.value,)
    return runner.Choice(
        scenario=scenario.value,
        hypotheses=names,
        levers=tuple(sorted(lever_changes.value.items())),
        params=tuple(sorted((name, r.value) for name, r in fixed_params.items() if r.value is not None)),
        uncertainty=uncertainty.value,
        replications=replications.value,
    )


STATE_LABELS = {a.key: a.label for a in ACTORS}
# the effect chart's choices as a reader reads them -> the outcome's name
EFFECT_CHOICES = {capitalised(outcome_words(name)): name for name in runner.EFFECT_OUTCOMES}


def lever_label(lever) -> str:
    """A lever's slider label: what it means, from its declaration, not its variable name."""
    return capitalised(lever.meaning)


def desire_label(state: str) -> str:
    return f"{STATE_LABELS.get(state, state)}: wish for a closer (+) or more distant (−) relation, in steps"


def replications_refusal(value) -> str:
    """Why a typed number of replications is not taken, in one line; "" when it is taken."""
    top = runner.MAX_REPLICATIONS
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return f"replications must be a whole number from 1 to {top:,}; the run keeps {replications.value:,}"
    if not 1 <= value <= top:
        return f"replications must be from 1 to {top:,}, not {value:,}; the run keeps {replications.value:,}"
    return ""


def _set_replications(value):
    refusal = replications_refusal(value)
    replications_refused.value = refusal
    if not refusal:
        replications.value = int(value)


ALL_HYPOTHESES = "all four"


def by_label(names, labels: dict) -> dict:
    """A menu's entries as a reader reads them (a file's label) -> the name; a label two names share gets the
    name beside it."""
    shown = [labels.get(n) or n for n in names]
    return {
        (label if shown.count(label) == 1 else f"{label} ({name})"): name for name, label in zip(names, shown)
    }


def _set_scenario(name: str):
    scenario.value = name
    lever_changes.value = {}


def _set_lever(key: str, value: float):
    lever_changes.value = {**lever_changes.value, key: round(float(value), 4)}


def moved(new: float, shown: float, step: float) -> bool:
    """A slider snaps a value that is off its step grid when it first shows it; that is not a user's move."""
    return abs(new - shown) > 0.51 * step


def on_grid(value: float, lo: float, hi: float, step: float) -> float:
    """``value`` as the browser's slider would snap it (Vuetify 2's rounding, step decimals included).

    A slider given an off-grid value sends the snapped one back as soon as it is shown: opening a group
    of assumptions sent one message per slider, and the page answered them one by one before the user's
    own move.  Given the snapped value, it sends nothing.
    """
    value = min(max(value, lo), hi)
    # the step as JavaScript prints it (positional down to 1e-6), whose decimals Vuetify keeps
    text = np.format_float_positional(float(step)) if float(step) >= 1e-6 else repr(float(step))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    offset = math.fmod(lo, step)
    snapped = math.floor((value - offset) / step + 0.5) * step + offset
    return float(f"{min(snapped, hi):.{decimals}f}")


def _set_param(name: str, value: float):
    fixed_params[name].value = float(value)


def _release_param(name: str):
    fixed_params[name].value = None


@solara.component
def LeverControls():
    cat = runner.catalogue()
    s = cat.scenarios[scenario.value]
    levers = runner.scenario_levers(scenario.value, tuple(lever_changes.value.items()))
    Md(scenario_heading(s))
    for lever in NUMERIC_LEVERS:
        key, lo, hi, step = lever.name, lever.low, lever.high, lever.step
        shown = on_grid(getattr(levers, key), lo, hi, step)
        solara.SliderFloat(
            label=lever_label(lever),
            value=shown,
            min=lo,
            max=hi,
            step=step,
            thumb_label="always",
            on_value=lambda v, key=key, shown=shown, step=step: moved(v, shown, step) and _set_lever(key, v),
        )
    for state, shift in sorted(levers.desire_shift.items()):
        lo, hi = DESIRE_SHIFT_RANGE
        shown = on_grid(shift, lo, hi, 0.25)
        solara.SliderFloat(
            label=desire_label(state),
            value=shown,
            min=lo,
            max=hi,
            step=0.25,
            thumb_label="always",
            on_value=lambda v, state=state, shown=shown: (
                moved(v, shown, 0.25) and _set_lever(f"desire_shift.{state}", v)
            ),
        )
    fixed = []
    if levers.max_relation:
        fixed.append("max relation: " + _plain(", ".join(f"{k} ≤ {v}" for k, v in levers.max_relation.items())))
    if levers.conditional:
        fixed.append("recognition tied to benchmarks: " + _plain(", ".join(levers.conditional)))
    if fixed:
        Md("<small>" + "; ".join(fixed) + "</small>")
    if lever_changes.value:
        solara.Button("reset levers to the scenario", text=True, on_click=lambda: lever_changes.set({}))


@solara.component
def AssumptionControls():
    mode = "drawn per replication from its range" if uncertainty.value else "at its default"
    Md(f"<small>Each assumption is {mode} unless you move its slider, which fixes it.</small>")
    for actor, params in runner.assumption_groups().items():
        AssumptionGroup(actor, params)


@solara.component
def AssumptionGroup(actor: str, params):
    moved = sum(fixed_params[p.name].value is not None for p in params)
    summary = f"{actor} ({len(params)})" + (f" · {moved} fixed" if moved else "")
    with solara.Details(summary=summary):
        for p in params:
            AssumptionSlider(p)


@solara.component
def AssumptionSlider(p):
    # the same widgets whether fixed or not (only their values change), so a moved slider is never replaced
    fixed = fixed_params[p.name].value
    is_fixed = fixed is not None
    value = fixed if is_fixed else p.default
    step = 1.0 if p.integer else (p.high - p.low) / 100
    shown = on_grid(value, p.low, p.high, step)
    lo, hi = p.sampling_range
    users = [r.id for r in RULES.values() if any(q.name == p.name for q in r.params)]
    with solara.Row(style={"align-items": "center"}):
        solara.SliderFloat(
            label=p.name.split(".", 1)[1],
            value=shown,
            min=p.low,
            max=p.high,
            step=step,
            thumb_label="always",
            on_value=lambda v: moved(v, shown, step) and _set_param(p.name, v),
        )
        solara.Button("release", text=True, small=True, disabled=not is_fixed, on_click=lambda: _release_param(p.name))
    state = f"<b>fixed at {value:g}</b>. " if is_fixed else ""
    Md(
        f"<small>{state}{_plain(p.meaning)}. Range {p.low:g}–{p.high:g}"
        + (f", sampled {lo:g}–{hi:g}" if (lo, hi) != (p.low, p.high) else "")
        + f"; default {p.default:g}. {_plain(p.provenance)}. Rules: {', '.join(users) or '—'}</small>"
    )


@solara.component
def Sidebar():
    cat = runner.catalogue()
    # the question's policies first, then the other scenarios; each menu shows the files' labels
    others = [n for n in cat.scenarios if n != cat.baseline and n not in cat.question_scenarios]
    scenarios = by_label([*cat.question_scenarios, *others], {n: s.label for n, s in cat.scenarios.items()})
    shown = {name: label for label, name in scenarios.items()}
    solara.Select(
        label="scenario",
        value=shown[scenario.value],
        values=list(scenarios),
        on_value=lambda label: _set_scenario(scenarios[label]),
    )
    hypotheses = by_label(list(cat.hypotheses), {n: h.label for n, h in cat.hypotheses.items()})
    hypotheses[ALL_HYPOTHESES] = "all"
    shown = {name: label for label, name in hypotheses.items()}
    solara.Select(
        label="hypothesis",
        value=shown[hypothesis_choice.value],
        values=list(hypotheses),
        on_value=lambda label: hypothesis_choice.set(hypotheses[label]),
    )
    solara.Checkbox(label="uncertainty: draw every assumption per replication", value=uncertainty)
    solara.InputInt(
        label=f"replications (1–{runner.MAX_REPLICATIONS:,})",
        value=replications.value,
        on_value=_set_replications,
    )
    if replications_refused.value:
        solara.Error(replications_refused.value, dense=True, classes=["replications-refused"])
    Md("### Levers")
    LeverControls()
    Md("### Assumptions")
    AssumptionControls()


def _p_better_table(live) -> str:
    head = "| outcome | " + " | ".join(_plain(h.label).replace("|", "\\|") for h in live.hypotheses) + " |"
    rule = "|---|" + "---|" * len(live.hypotheses)
    rows = []
    for name in runner.EFFECT_OUTCOMES:
        o = OUTCOME[name]
        cells = []
        for h in live.hypotheses:
            p = h.p_better(name)
            cells.append("—" if math.isnan(p) else f"{p:.0%}")
        better = {"lower": "lower is better", "higher": "higher is better"}.get(o.better, "a position, no better side")
        rows.append(f"| {capitalised(outcome_words(name))} <small>({better})</small> | " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *rows])


def live_view(choice: runner.Choice, outcome: str):
    """Run (or take from the cache) the ensemble and build its charts: all the server's work of one redraw."""
    live = runner.run_live(choice)
    t = time.perf_counter()
    options = (
        charts.fan_chart(live.hypotheses, live.start, runner.FAN_OUTCOMES),
        charts.effect_chart(live.hypotheses, outcome),
        charts.recognition_chart(live.hypotheses, live.start),
    )
    return live, options, time.perf_counter() - t


@solara.component
def Chart(option: dict, name: str):
    """One ECharts figure; the browser draws it from the option's few numbers."""
    option = dict(option)
    height = option.pop("height_px", 360)
    solara.FigureEcharts(
        option=option, attributes={"style": f"height: {height}px; width: 100%;", "class": name}, responsive=True
    )


def question_text(cat, shown: str) -> str:
    """The question the page answers, and where the shown policy stands in it."""
    where = f"Shown: **{_plain(cat.scenarios[shown].label)}** against the status quo"
    others = [cat.scenarios[s].label for s in cat.question_scenarios if s != shown]
    if shown not in cat.question_scenarios:
        where += "; it is not one of the question's policies."
    elif others:
        where += f"; the question's other policies ({_plain(', '.join(others))}) are in the scenario menu."
    return f"**The question.** {_plain(cat.question)}  \n{where}"


@solara.component
def LiveEnsemble():
    choice = current_choice()
    Md(question_text(runner.catalogue(), choice.scenario), classes=["question"])
    outcome = effect_outcome.value
    started = solara.use_memo(time.perf_counter, dependencies=[choice, outcome])
    # one run at a time per page; a run whose choice was superseded while it waited is skipped
    latest = solara.use_ref(None)
    latest.current = (choice, outcome)
    one_at_a_time = solara.use_memo(threading.Lock, dependencies=[])

    def job():
        with one_at_a_time:
            if latest.current != (choice, outcome):
                return None
            return live_view(choice, outcome)

    # the ensemble runs in a thread of its own (its cells in worker processes): the page answers meanwhile
    task = solara.lab.use_task(job, dependencies=[choice, outcome], raise_error=False)
    # (view, seconds from the change to its redraw, redraw count), kept while the next view is computed
    last = solara.use_ref(None)
    if task.finished and task.value is not None and (last.current is None or last.current[0] is not task.value):
        count = last.current[2] + 1 if last.current else 1
        last.current = (task.value, time.perf_counter() - started, count)
    if task.error:
        solara.Error(f"error: {task.exception}")
        return
    if last.current is None:
        solara.ProgressLinear(True)
        solara.Text("running the ensemble…")
        return
    (live, options, chart_seconds), redraw, count = last.current
    solara.ProgressLinear(task.pending)
    solara.Text(
        f"{live.choice.replications:,} replications × {len(live.hypotheses)} hypotheses · "
        f"ensemble {live.seconds:.2f} s, charts {chart_seconds:.3f} s, change to redraw {redraw:.2f} s · "
        f"redraw {count}",
        classes=["live-timing"],
    )
    Chart(options[0], "fan-chart")
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.Select(
                label="effect on",
                value=capitalised(outcome_words(effect_outcome.value)),
                values=list(EFFECT_CHOICES),
                on_value=lambda words: effect_outcome.set(EFFECT_CHOICES[words]),
            )
            Chart(options[1], "effect-chart")
        with solara.Column():
            Chart(options[2], "recognition-chart")
    Md("**P(better than the status quo)**, share of paired replications\n\n" + _p_better_table(live))


def play_loop(cancel: threading.Event, last_month: int, month=watched_month, running=playing, seconds=PLAY_SECONDS):
    """Step the watched month on a clock until paused or at the end.

    One loop per play, not one request per month: setting the month redraws the page in this thread, so a
    step starts only after the previous one was drawn.  When drawing takes longer than a tick, the next
    step jumps over the months the clock has passed instead of queueing them.
    """
    tick = time.perf_counter()
    while not cancel.is_set():
        cancel.wait(max(0.0, tick + seconds - time.perf_counter()))
        if cancel.is_set() or not running.value:
            return
        now = time.perf_counter()
        steps = max(1, int((now - tick) / seconds))
        tick = tick + steps * seconds if now - tick < 2 * seconds else now
        shown = min(month.value + steps, last_month)
        month.value = shown
        if shown >= last_month:
            running.value = False
            return


@solara.component
def WatchedFuture():
    choice = current_choice()
    names = list(choice.hypotheses)
    hypothesis = watched_hypothesis.value if watched_hypothesis.value in names else names[0]
    r = min(watched_replication.value, choice.replications - 1)

    def prepare():
        # in a thread of its own, the cell in a worker process: the page answers while a run is prepared
        band = runner.bands_of(runner.scenario_records(choice, choice.scenario, [hypothesis])[0])
        record, moves = attribution.replay(runner.watched_model(choice, hypothesis, r))
        return record, moves, band, r

    task = solara.lab.use_task(prepare, dependencies=[choice, hypothesis, r], raise_error=False)
    # the run shown until the next one is ready, so stepping never waits on a blank page
    last = solara.use_ref(None)
    if task.finished and task.value is not None:
        last.current = task.value
    months = last.current[0].shape[0] if last.current is not None else 0
    solara.use_thread(
        lambda cancel: playing.value and months > 0 and play_loop(cancel, months - 1),
        dependencies=[playing.value, months],
        intrusive_cancel=False,
    )
    if task.error:
        solara.Error(f"error: {task.exception}")
        return
    if last.current is None:
        solara.ProgressLinear(True)
        solara.Text("replaying the watched run…")
        return
    record, moves, band, shown = last.current
    month = min(watched_month.value, months - 1)
    solara.ProgressLinear(task.pending)

    with solara.Row(style={"align-items": "center"}):
        if len(names) > 1:
            solara.Select(label="hypothesis", value=hypothesis, values=names, on_value=watched_hypothesis.set)
        solara.InputInt(
            label=f"replication (0–{choice.replications - 1})",
            value=r,
            on_value=lambda v: watched_replication.set(min(max(int(v), 0), choice.replications - 1)),
        )
        solara.Button("◀ month", on_click=lambda: watched_month.set(max(month - 1, 0)), disabled=month == 0)
        solara.Button(
            "month ▶", on_click=lambda: watched_month.set(min(month + 1, months - 1)), disabled=month >= months - 1
        )
        solara.Button("pause" if playing.value else "play", on_click=lambda: playing.set(not playing.value))
    solara.SliderInt(label="month", value=month, min=0, max=months - 1, on_value=watched_month.set)
    label = charts.month_labels(choice_start(), months)[month]
    solara.Text(f"replication {shown} of the ensemble, end of month {month + 1} ({label})", classes=["watched-month"])
    from sim.model.actors import STATES

    relations = {k: int(round(record[month, OUTCOME_INDEX[f"relation_{k}"], 0])) for k in STATES}
    with solara.Columns([6, 6]):
        Chart(charts.network_chart(relations, label), "network-chart")
        with solara.Column():
            RulePanel(moves[month], month)
    Chart(
        charts.watched_series_chart(band, record[:, :, 0], choice_start(), month, runner.WATCHED_SERIES),
        "watched-series-chart",
    )


def choice_start():
    return runner.catalogue().base.start


def _shorten(text: str, limit: int = 150) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@solara.component
def RulePanel(moves, month: int):
    if month == 0:
        Md("**Rules that moved most**: the first month has no month before it to compare with.")
        return
    lines = [
        "**Rules that moved most this month** <small>(change of the rule's output as a share of its range in this run)</small>"
    ]
    for m in moves[:TOP_RULES]:
        rule = RULES[m.rule]
        who = f" for {m.actor}" if m.actor else ""
        part = f"output {m.part + 1} of {m.parts}: " if m.parts > 1 else ""
        lines.append(
            f"\n**{m.rule}**{who} — {m.score:.0%} <small>({part}{m.before:.3g} → {m.after:.3g})</small>"
            f"<br>{_plain(rule.statement)}\n"
        )
        for citation, claims in attribution.rule_sources(m.rule)[:4]:
            lines.append(f"- <small>{_plain(citation)}: {_plain(_shorten(claims[0])) if claims else ''}</small>")
    if not moves:
        lines.append("\nNo rule's output changed this month.")
    Md("\n".join(lines), classes=["rule-panel"])


@solara.component
def ResultsBrowser():
    # each check reads the folders' markers (their presence only): once per opening of the tab, not per redraw
    found = solara.use_memo(lambda: folder.find_folders(RESULTS_ROOT), dependencies=[])
    solara.InputText(
        label="results folder (e.g. results/all_policies)",
        value=folder_path,
        continuous_update=False,
    )
    if found:
        names = [str(p.relative_to(RESULTS_ROOT.parent)) for p in found]
        solara.Select(
            label=f"or pick one under {RESULTS_ROOT.name}/",
            value=folder_path.value if folder_path.value in names else None,
            values=names,
            on_value=folder_path.set,
        )
    shown = solara.use_memo(lambda: folder_path.value and _read(folder_path.value), dependencies=[folder_path.value])
    if not shown:
        return
    if isinstance(shown, str):
        solara.Error(shown, classes=["folder-refused"])
        return
    if shown.report is not None:
        with solara.Details(summary=shown.report_name, expand=True):
            solara.HTML(tag="div", unsafe_innerHTML=shown.report_html(), classes=["md", "folder-report"])
    if shown.figures:
        with solara.Details(summary=f"figures ({len(shown.figures)})", expand=True):
            for path in shown.figures:
                solara.Text(path.name)
                solara.Image(str(path), width="100%")
    if shown.summary is not None:
        rows = f"{len(shown.summary)} rows"
        if shown.summary_cut:
            rows = f"first {len(shown.summary):,} rows of a longer table"
        with solara.Details(summary=f"summary.csv ({rows})", expand=True):
            # pandas escapes every cell and heading of the table (escape=True)
            table = shown.summary.to_html(index=False, float_format=lambda x: f"{x:.4g}", border=0, escape=True)
            solara.HTML(tag="div", unsafe_innerHTML=table, classes=["md"], style={"overflow-x": "auto"})


def _read(text: str):
    """The folder as the page shows it, or the one line that says why it is not shown."""
    try:
        return folder.read_folder(text, RESULTS_ROOT)
    except folder.FolderError as exc:
        return f"error: {exc}"


@solara.component
def Page():
    solara.Title("Afghanistan diplomacy — live ensemble")
    solara.Style(STYLE)
    with solara.Sidebar():
        Sidebar()
    with solara.lab.Tabs(value=tab.value, on_value=tab.set):
        solara.lab.Tab("Live ensemble")
        solara.lab.Tab("Watched future")
        solara.lab.Tab("Results folder")
    if tab.value == 0:
        LiveEnsemble()
    elif tab.value == 1:
        WatchedFuture()
    else:
        ResultsBrowser()
