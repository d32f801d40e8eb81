"""One vocabulary, one palette, one P(better): the report, the analyses' figures, the page and the command line
name each outcome with the words declared on it, draw each hypothesis in one colour, and count P(better) alike."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.analysis import labels, style
from sim.analysis.effects import summary_table
from sim.model.outcomes import OUTCOME, OUTCOMES, Outcome
from sim.model.rules import MECHANISMS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {p: p for p in sorted((ROOT / "sim").rglob("*.py"))}
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def outcome_tables(paths) -> list[str]:
    """Dict literals keyed by three or more outcome names with texts as values: a second table of outcome words."""
    names = {o.name for o in OUTCOMES}
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            keyed = [
                k.value
                for k, v in zip(node.keys, node.values)
                if isinstance(k, ast.Constant) and k.value in names and isinstance(v, ast.Constant)
                and isinstance(v.value, str)
            ]
            if len(keyed) >= 3:
                found.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name} line {node.lineno}")
    return found


def palettes(paths) -> list[str]:
    """Tuples or lists of three or more colour literals outside sim/analysis/style.py: a second palette."""
    found = []
    for path in paths:
        if path == ROOT / "sim" / "analysis" / "style.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.List)):
                colours = [
                    e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str) and HEX.match(e.value)
                ]
                if len(colours) >= 3:
                    found.append(f"{path.name} line {node.lineno}")
    return found


def test_no_second_table_of_outcome_words():
    assert outcome_tables(SOURCES) == []


def test_the_table_check_finds_a_planted_table(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        'WORDS = {"deaths_pakistan": "deaths", "civil_war": "war", "ttp_fighters": "TTP", "x": 1}\n', encoding="utf-8"
    )
    assert outcome_tables([planted]) == ["planted.py line 1"]


def test_every_outcome_declares_its_words_and_a_sentence_adds_only_the_declared_article():
    for o in OUTCOMES:
        assert labels.outcome_words(o.name) == o.label
        assert labels.outcome_label(o.name) == (f"the {o.label}" if o.article else o.label)
        assert "_" not in o.label, o.name
    assert labels.outcome_label("drug_economy") == "the opium economy"
    assert labels.outcome_title("civil_war") == "Time in civil war (share of months)"
    with pytest.raises(ValueError, match="needs a label"):
        Outcome("new_outcome", "people", "mean", "a new outcome", lambda m: 0)


def test_one_unit_for_a_replication_s_number_and_one_for_a_monthly_series():
    assert labels.outcome_unit("deaths_pakistan") == "deaths per year"
    assert labels.outcome_unit("ttp_sanctuary") == "0-1, mean over the horizon"
    assert labels.outcome_unit("civil_war") == "share of months"
    assert labels.series_unit("deaths_pakistan") == "deaths, last 12 months"
    assert labels.series_unit("deaths_pakistan", yearly_flows=False) == "deaths a month"
    assert labels.series_unit("civil_war") == "share of futures"
    assert not hasattr(labels, "axis_unit") and not hasattr(labels, "OUTCOME_WORDS")


def test_the_command_line_lists_outcomes_in_words_with_units():
    out = subprocess.run(
        [sys.executable, "-m", "sim", "list"], capture_output=True, text=True, cwd=ROOT, timeout=120
    ).stdout
    assert "deaths_pakistan: deaths in Pakistan (deaths per year)" in out
    assert "ttp_sanctuary: TTP's sanctuary in Afghanistan (0-1, mean over the horizon)" in out


def test_one_palette():
    assert palettes(SOURCES) == []
    assert all(HEX.match(c) for c in style.PALETTE) and len(set(style.PALETTE)) == len(style.PALETTE)


def test_the_palette_check_finds_a_planted_palette(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text('COLOURS = ("#1f6fb4", "#d9601a", "#2a9d55")\n', encoding="utf-8")
    assert palettes([planted]) == ["planted.py line 1"]


def test_a_hypothesis_keeps_its_colour_whichever_others_are_shown():
    every = list(MECHANISMS)
    alone = {h: style.hypothesis_colours([h])[h] for h in every}
    together = style.hypothesis_colours(list(reversed(every)))
    assert alone == together
    assert [together[h] for h in every] == list(style.PALETTE[: len(every)])
    mine = style.hypothesis_colours(["my_own", every[1]])
    assert mine[every[1]] == together[every[1]] and mine["my_own"] not in together.values()


def test_the_report_and_the_page_draw_a_hypothesis_in_the_same_colour(tmp_path, monkeypatch):
    pytest.importorskip("solara", reason="the page's packages come with the dashboard extra")
    from types import SimpleNamespace

    from sim.dashboard import charts
    from sim.report import figures

    every = list(MECHANISMS)
    rng = np.random.default_rng(1)
    drawn = {}
    monkeypatch.setattr(figures, "save", lambda fig, path: drawn.setdefault("fig", fig))
    effects = {("p", h): rng.normal(size=50) for h in every}
    figures.effects_chart(tmp_path / "x.png", "deaths_pakistan", effects, ["p"], every, "status_quo", {})
    report = {}
    for line in drawn["fig"].axes[0].get_lines():
        if line.get_linewidth() == 7:  # the middle-50% bar of one hypothesis
            report[line.get_label()] = line.get_color().upper()
    # the page showing the second and fourth worldviews only
    shown = [every[3], every[1]]
    index = OUTCOMES.index(OUTCOME["deaths_pakistan"])
    hyps = []
    for h in shown:
        e = np.zeros((len(OUTCOMES), 50))
        e[index] = rng.normal(size=50)
        hyps.append(SimpleNamespace(name=h, label=h, effects=e, p_better=lambda name: 0.5))
    series = charts.effect_chart(hyps, "deaths_pakistan")["series"]
    page = {s["name"].split(":")[0]: s["itemStyle"]["color"].upper() for s in series}
    assert page == {h: report[h] for h in shown}


def test_the_page_s_p_better_is_the_report_s_for_the_same_runs():
    pytest.importorskip("solara", reason="the page's packages come with the dashboard extra")
    from sim.dashboard import runner
    from sim.model.outcomes import replication_summaries

    choice = runner.Choice(scenario="isolation", hypotheses=("engagement_moderates",), replications=60)
    live = runner.run_live(choice)
    h = live.hypotheses[0]
    baseline = runner.catalogue().baseline
    summaries = {
        ("isolation", h.name): replication_summaries(h.scenario),
        (baseline, h.name): replication_summaries(h.baseline),
    }
    table = summary_table(summaries, baseline).set_index(["scenario", "outcome"])
    compared = 0
    for o in OUTCOMES:
        report = table.loc[("isolation", o.name), "p_better"]
        if np.isnan(report):
            assert np.isnan(h.p_better(o.name))
        else:
            assert h.p_better(o.name) == report, o.name
            compared += 1
    assert compared > 10
