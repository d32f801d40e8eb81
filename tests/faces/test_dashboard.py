"""The live page's engine: the watched run is replication r of the ensemble, caching, P(better), attribution."""

import json
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("solara", reason="the page's packages come with the dashboard extra")

from sim.dashboard import attribution, folder, runner  # noqa: E402
from sim.model.ensemble import run_cell  # noqa: E402
from sim.model.outcomes import OUTCOME_INDEX, OUTCOMES  # noqa: E402
from sim.model.rules import PARAMS, RULES, Rule  # noqa: E402
from sim.model.sampling import uncertain_parameters  # noqa: E402

SMALL = 40


def small_choice(**changes):
    fields = dict(
        scenario="pakistan_kinetic",
        hypotheses=("engagement_moderates",),
        levers=(("sanctions", 0.8),),
        params=(("pakistan.clash_setback", 0.2),),
        uncertainty=True,
        replications=SMALL,
    )
    fields.update(changes)
    return runner.Choice(**fields)


@pytest.mark.parametrize("replication", [0, 7, SMALL - 1])
def test_watched_run_is_replication_r_of_the_ensemble(replication):
    choice = small_choice()
    ensemble = runner.cell_record(choice, choice.scenario, "engagement_moderates")
    record, moves = attribution.replay(runner.watched_model(choice, "engagement_moderates", replication))
    np.testing.assert_array_equal(record[:, :, 0], ensemble[:, :, replication])
    # the neighbour differs: the comparison would catch a watched run that ignored r
    assert not np.array_equal(record[:, :, 0], ensemble[:, :, (replication + 1) % SMALL])
    assert len(moves) == record.shape[0] and moves[0] == []


def test_uncertainty_draws_each_free_assumption_per_replication_and_keeps_fixed_ones():
    choice = small_choice()
    setup = runner.cell_setup(choice, choice.scenario, "engagement_moderates")
    free = [p for p in uncertain_parameters() if p.name != "pakistan.clash_setback"]
    for p in free:
        values = setup.params[p.name]
        lo, hi = p.sampling_range
        assert np.shape(values) == (SMALL,)
        assert lo <= values.min() and values.max() <= hi
    assert setup.params["pakistan.clash_setback"] == 0.2
    assert setup.levers.sanctions == 0.8 and setup.levers.pakistan_kinetic == 1.0
    off = runner.cell_setup(small_choice(uncertainty=False), choice.scenario, "engagement_moderates")
    assert all(np.ndim(v) == 0 for v in off.params.values())
    # the hypothesis switches its own mechanism on in every replication
    assert off.params["mechanism.engagement_moderates"] == 1.0
    assert off.params["mechanism.legitimacy_emboldens"] == 0.0


def test_scenario_and_status_quo_share_parameter_draws():
    choice = small_choice(params=())
    scenario = runner.cell_setup(choice, choice.scenario, "engagement_moderates")
    baseline = runner.cell_setup(choice, "status_quo", "engagement_moderates")
    for p in uncertain_parameters():
        np.testing.assert_array_equal(scenario.params[p.name], baseline.params[p.name])
    assert baseline.levers.pakistan_kinetic != scenario.levers.pakistan_kinetic


def test_a_lever_change_reruns_the_scenario_and_reuses_the_status_quo():
    first = small_choice(levers=(("sanctions", 0.3),))
    moved = small_choice(levers=(("sanctions", 0.9),))
    live_first = runner.run_live(first)
    live_moved = runner.run_live(moved)
    assert live_moved.hypotheses[0].baseline is live_first.hypotheses[0].baseline
    assert live_moved.hypotheses[0].scenario is not live_first.hypotheses[0].scenario
    i = OUTCOME_INDEX["humanitarian_need"]
    assert not np.array_equal(live_moved.hypotheses[0].scenario[:, i], live_first.hypotheses[0].scenario[:, i])


def test_p_better_follows_each_outcome_s_good_direction():
    months, n = 12, 10
    base = np.ones((months, len(OUTCOMES), n), dtype=np.float32)
    scen = base.copy()
    deaths, pragmatists = OUTCOME_INDEX["deaths_pakistan"], OUTCOME_INDEX["pragmatist_influence"]
    scen[:, deaths, :3] -= 0.5  # fewer deaths in 3 of 10 replications, more in 2
    scen[:, deaths, 3:5] += 0.5
    scen[:, pragmatists, :7] += 0.1  # more pragmatist influence in 7 of 10
    result = runner.HypothesisResult("h", "H", scen, base)
    assert result.p_better("deaths_pakistan") == pytest.approx(0.3)
    assert result.p_better("pragmatist_influence") == pytest.approx(0.7)
    assert np.isnan(result.p_better("recognising_states"))  # a position, no better side


def test_bad_choices_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="replications"):
        runner.Choice(replications=0)
    with pytest.raises(ValueError, match="outside"):
        runner.scenario_levers("isolation", (("sanctions", 1.5),))
    with pytest.raises(ValueError, match="unknown lever"):
        runner.scenario_levers("isolation", (("sanctionz", 0.5),))
    with pytest.raises(ValueError, match="outside the ensemble"):
        runner.watched_setup(small_choice(), "engagement_moderates", SMALL)


def test_assumption_groups_hold_every_uncertain_parameter_once():
    groups = runner.assumption_groups()
    names = [p.name for params in groups.values() for p in params]
    assert sorted(names) == sorted(p.name for p in uncertain_parameters())
    assert all(p.name.startswith(actor + ".") for actor, params in groups.items() for p in params)


def test_rule_moves_rank_the_rule_whose_output_jumped():
    calls = []
    for month in range(6):
        calls.append((month, "a.steady", "", np.array([0.5])))
        calls.append((month, "b.jumps", "", np.array([1.0 if month >= 3 else 0.0])))
        calls.append((month, "c.drifts", "x", np.array([0.1 * month, 7.0])))
    moves = attribution.rule_moves(calls, 6)
    assert [m.rule for m in moves[3]] == ["b.jumps", "c.drifts"]
    assert moves[3][0].score == pytest.approx(1.0) and moves[3][0].after == 1.0
    assert moves[3][1].score == pytest.approx(0.2) and moves[3][1].actor == "x"
    assert all(m.rule != "a.steady" for month in moves for m in month)
    assert [m.rule for m in moves[4]] == ["c.drifts"]


def test_recording_is_switched_off_after_a_replay():
    original = Rule.__call__
    attribution.replay(runner.watched_model(small_choice(), "engagement_moderates", 1))
    assert Rule.__call__ is original


def test_a_rule_s_sources_come_with_their_paraphrased_claims():
    rule = RULES["pakistan.weighs_ttp_threat"]
    entries = attribution.rule_sources(rule.id)
    cited = [c for citation in rule.sources for c in attribution.paragraph_claims(citation)]
    assert [e[0] for e in entries] == [c[0] for c in cited]
    assert entries[0][0] == "seed 001 ¶3" and entries[0][1]


def _mark(run, names):
    """The marker the tool puts in a results folder, naming its files."""
    (run / ".sim-results.json").write_text(json.dumps({"tool": "sim", "files": [*names, ".sim-results.json"]}))


def test_results_folder_is_read_without_changing_it(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "summary.csv").write_text("scenario,hypothesis,x\nstatus_quo,h,1.5\nisolation,h,2.5\n", encoding="utf-8")
    (run / "report.md").write_text("# Report\n\n![fan](fan_x.png)\n\nText.\n", encoding="utf-8")
    (run / "fan_x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _mark(run, ["summary.csv", "report.md", "fan_x.png"])
    before = {p.name: p.stat().st_mtime_ns for p in run.iterdir()}
    shown = folder.read_folder(run, tmp_path)
    assert shown.report_name == "report.md" and "Text." in shown.report_html()
    assert "fan_x.png" not in shown.report_html()
    assert [p.name for p in shown.figures] == ["fan_x.png"]
    assert list(shown.summary["x"]) == [1.5, 2.5]
    assert {p.name: p.stat().st_mtime_ns for p in run.iterdir()} == before
    assert folder.find_folders(tmp_path) == [run]


@pytest.mark.parametrize("make", ["missing", "file", "empty", "blank"])
def test_a_folder_that_cannot_be_shown_says_why(tmp_path, make):
    target = {"missing": tmp_path / "nope", "file": tmp_path / "f.txt", "empty": tmp_path / "run", "blank": "  "}[make]
    if make == "file":
        target.write_text("x", encoding="utf-8")
    if make == "empty":
        target.mkdir()
        _mark(target, [])
    with pytest.raises(folder.FolderError) as info:
        folder.read_folder(target, tmp_path)
    assert "\n" not in str(info.value)


def _serve(*args):
    return subprocess.run([sys.executable, "-m", "sim.dashboard", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "args",
    [["--port", "80"], ["--port", "abc"], ["--colour"], ["--results-root", "/no/such/folder"], ["--results-root", __file__]],
)
def test_bad_server_arguments_give_one_error_line(args):
    done = _serve(*args)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_a_port_in_use_is_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        done = _serve("--port", str(s.getsockname()[1]))
    assert done.returncode == 2 and "in use" in done.stderr and done.stderr.count("\n") == 1


def test_parameter_sliders_span_declared_ranges():
    for params in runner.assumption_groups().values():
        for p in params:
            assert p.low <= p.default <= p.high and PARAMS[p.name] is p


def test_cells_run_in_the_worker_processes_are_the_cells_run_here():
    choice = small_choice(replications=runner.MIN_POOLED + 13, levers=(("sanctions", 0.45),))
    if runner.worker_pool() is None:
        pytest.skip("workers switched off")
    live = runner.run_live(choice)  # scenario and status quo side by side, one worker each
    for record, scenario in (
        (live.hypotheses[0].scenario, choice.scenario),
        (live.hypotheses[0].baseline, "status_quo"),
    ):
        alone = run_cell(runner.cell_setup(choice, scenario, "engagement_moderates"), choice.replications)
        np.testing.assert_array_equal(record, alone)
    assert not np.array_equal(live.hypotheses[0].scenario, live.hypotheses[0].baseline)


def test_hypotheses_run_together_give_each_hypothesis_s_own_cells():
    choice = small_choice(hypotheses=("engagement_moderates", "legitimacy_emboldens", "conditional_leverage"))
    together = runner.scenario_records(choice, choice.scenario, choice.hypotheses)
    for h, record in zip(choice.hypotheses, together):
        alone = run_cell(runner.cell_setup(choice, choice.scenario, h), choice.replications)
        np.testing.assert_array_equal(record, alone)
    # the hypotheses differ, so a mix-up of blocks would show
    assert not np.array_equal(together[0], together[1])


def test_the_record_cache_keeps_to_its_size_dropping_the_oldest_use():
    cache = runner.RecordCache(max_bytes=3 * 800)
    block = lambda: np.zeros(200, dtype=np.float32)  # noqa: E731  (800 bytes each)
    for key in "abc":
        cache.get(key, block)
    cache.get("a", block)  # used again: now the newest
    cache.get("d", block)
    assert [cache.has(k) for k in "abcd"] == [True, False, True, True]


def _numbers(option) -> list:
    """Every number in a chart option (what the page sends to the browser)."""
    if isinstance(option, dict):
        return [x for v in option.values() for x in _numbers(v)]
    if isinstance(option, list):
        return [x for v in option for x in _numbers(v)]
    return [option] if isinstance(option, (int, float)) and not isinstance(option, bool) else []


def test_the_fan_chart_sends_quantile_bands_not_replications():
    import json

    from sim.dashboard import charts

    small, large = small_choice(replications=60), small_choice(replications=3 * 60)
    options = [charts.fan_chart(runner.run_live(c).hypotheses, (2025, 7), runner.FAN_OUTCOMES) for c in (small, large)]
    live = runner.run_live(small)
    months = live.hypotheses[0].scenario.shape[0]
    for option in options:
        assert all(len(s["data"]) == months for s in option["series"])
        assert len(json.dumps(option)) < 200_000
    # three times the replications, the same amount of numbers: the size follows the months, not the ensemble
    assert len(_numbers(options[1])) == len(_numbers(options[0]))
    # the drawn median is the record's median (to the four digits sent)
    record = live.hypotheses[0].scenario
    i = OUTCOME_INDEX["humanitarian_need"]
    medians = [s for s in options[0]["series"] if s["name"] == "Engagement moderates" and "stack" not in s]
    drawn = medians[runner.FAN_OUTCOMES.index("humanitarian_need")]["data"]
    np.testing.assert_allclose(drawn, np.median(record[:, i, :], axis=1), rtol=1e-3)


def test_numbers_are_sent_to_four_significant_digits():
    from sim.dashboard import charts

    assert charts.rounded([123456.7, 2.0]) == [123457.0, 2.0]
    assert charts.rounded([0.0123456, 0.5]) == [0.0123, 0.5]
    assert charts.rounded([1.23456, float("nan")]) == [1.235, None]


def test_effect_chart_counts_every_replication_and_names_p_better():
    from sim.dashboard import charts

    choice = small_choice(hypotheses=("engagement_moderates", "legitimacy_emboldens"))
    live = runner.run_live(choice)
    option = charts.effect_chart(live.hypotheses, "deaths_pakistan")
    for s, h in zip(option["series"], live.hypotheses):
        assert sum(count for _, count in s["data"]) == choice.replications
        assert len(s["data"]) == charts.HISTOGRAM_BINS
        assert f"P(better) {h.p_better('deaths_pakistan'):.0%}" in s["name"]


def test_network_chart_draws_each_relation_and_marks_recognition():
    from sim.dashboard import charts
    from sim.model.actors import STATES

    relations = {k: (4 if k == STATES[0] else 1) for k in STATES}
    graph = charts.network_chart(relations, "2026-01")["series"][0]
    assert len(graph["links"]) == len(STATES) and len(graph["data"]) == len(STATES) + 1
    recognising = [n for n in graph["data"] if "recognises" in n["label"].get("formatter", "")]
    assert [n["name"] for n in recognising] == [STATES[0]]
    widths = {link["target"]: link["lineStyle"]["width"] for link in graph["links"]}
    assert widths[STATES[0]] > widths[STATES[1]]


class _Value:
    def __init__(self, value, delay=0.0):
        self._value, self.delay, self.sets = value, delay, []

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new):
        self.sets.append(new)
        time.sleep(self.delay)  # as long as the page takes to draw the month
        self._value = new


def test_play_skips_months_when_drawing_is_slower_than_the_clock():
    import threading

    from sim.dashboard import app

    month, running = _Value(0, delay=0.13), _Value(True)
    app.play_loop(threading.Event(), 30, month=month, running=running, seconds=0.04)
    assert month.value == 30 and running.value is False
    # each draw lasts about three ticks, so a step covers about three months, never a queue of single steps
    steps = np.diff([0, *month.sets])
    assert len(month.sets) <= 14 and steps.max() >= 3


def test_play_steps_one_month_per_tick_on_a_quick_machine_and_stops_when_paused():
    import threading

    from sim.dashboard import app

    month, running = _Value(0), _Value(True)
    cancel = threading.Event()
    threading.Timer(0.35, cancel.set).start()
    app.play_loop(cancel, 100, month=month, running=running, seconds=0.05)
    assert np.all(np.diff([0, *month.sets]) == 1)
    assert 4 <= month.value <= 8 and running.value is True


@pytest.mark.parametrize(
    "lo, hi, step",
    [(0.1, 0.5, 0.004), (2.6, 4.5, 0.019), (0.0, 3.0, 0.05), (-4.0, 4.0, 0.25), (0.02, 0.03, (0.03 - 0.02) / 100)],
)
def test_slider_values_are_given_on_the_slider_s_grid(lo, hi, step):
    from sim.dashboard import app

    for value in np.linspace(lo - 0.1, hi + 0.1, 97):
        snapped = app.on_grid(value, lo, hi, step)
        assert lo - 1e-9 <= snapped <= hi + 1e-9
        assert abs(snapped - min(max(value, lo), hi)) <= step / 2 + 1e-9
        assert app.on_grid(snapped, lo, hi, step) == snapped  # shown as given: the slider sends nothing back


# --- what the page shows a reader: the question first, readable labels, values, refusals, titles that fit


def test_the_page_opens_on_the_default_experiment_s_question():
    from sim.config.plan import compose
    from sim.dashboard import app

    asked = compose([]).experiment
    cat = runner.catalogue()
    first = next(s for s in asked.scenarios if s != asked.baseline)
    assert runner.Choice().scenario == app.scenario.value == first == cat.question_scenarios[0]
    text = app.question_text(cat, first)
    assert " ".join(str(asked.description).split()) in text
    # the question's other policies are named, and offered first in the scenario menu
    for s in cat.question_scenarios[1:]:
        assert app._plain(cat.scenarios[s].label) in text


def test_sliders_are_labelled_with_the_levers_meanings_and_show_their_values():
    import ipyvuetify as v
    import solara

    from sim.dashboard import app
    from sim.model.levers import NUMERIC_LEVERS

    _, rc = solara.render(app.LeverControls(), handle_error=False)
    sliders = rc.find(v.Slider).widgets
    labels = [s.label for s in sliders]
    for lever in NUMERIC_LEVERS:
        assert app.lever_label(lever) in labels
        assert lever.name not in labels
    assert all(" " in label and "_" not in label and "." not in label.split()[0] for label in labels)
    assert {s.thumb_label for s in sliders} == {"always"}


def test_tables_and_chart_titles_name_outcomes_in_words():
    from sim.analysis.labels import capitalised, outcome_words
    from sim.dashboard import app, charts

    live = runner.run_live(small_choice(hypotheses=("engagement_moderates", "legitimacy_emboldens")))
    table = app._p_better_table(live)
    for name in runner.EFFECT_OUTCOMES:
        assert name not in table and capitalised(outcome_words(name)) in table
    first = live.hypotheses[0]
    options = [
        charts.fan_chart(live.hypotheses, live.start, runner.FAN_OUTCOMES),
        charts.effect_chart(live.hypotheses, "girls_schools_open"),
        charts.recognition_chart(live.hypotheses, live.start),
        charts.watched_series_chart(
            first.scenario_bands, first.scenario[:, :, 0], live.start, 3, runner.WATCHED_SERIES
        ),
    ]
    for option in options:
        titles = option["title"] if isinstance(option["title"], list) else [option["title"]]
        for title in titles:
            assert "_" not in title["text"], title["text"]
    assert set(app.EFFECT_CHOICES.values()) == set(runner.EFFECT_OUTCOMES)


# a 13 px title's characters average under 0.6 of its size; at 800 px of window, with the sidebar closed, a
# small chart of the three-column grid has about 250 px and a half-width chart about 370 px
CHAR_PX = 13 * 0.6


@pytest.mark.parametrize("outcome", runner.EFFECT_OUTCOMES)
def test_chart_titles_fit_their_charts_at_800_px(outcome):
    from sim.dashboard import charts

    live = runner.run_live(small_choice(hypotheses=("engagement_moderates", "legitimacy_emboldens")))
    fan = charts.fan_chart(live.hypotheses, live.start, runner.FAN_OUTCOMES)
    first = live.hypotheses[0]
    watched = charts.watched_series_chart(
        first.scenario_bands, first.scenario[:, :, 0], live.start, 3, runner.WATCHED_SERIES
    )
    # the small charts' titles, and the title this outcome would have in one
    for text in [t["text"] for t in fan["title"] + watched["title"]] + [charts._title(outcome)]:
        assert max(len(line) for line in text.split("\n")) * CHAR_PX <= 250, text
        assert text.count("\n") <= 1  # two lines at most: the room left above each small chart
    halves = (charts.effect_chart(live.hypotheses, outcome), charts.recognition_chart(live.hypotheses, live.start))
    for option in halves:
        lines = option["title"]["text"].split("\n")
        assert max(len(line) for line in lines) * CHAR_PX <= 370, lines
        # the legend starts below the title's last line
        assert option["legend"]["top"] >= 8 + charts.TITLE_LINE_PX * len(lines)


@pytest.mark.slow
@pytest.mark.parametrize("typed", [99999, 0, -5])
def test_replications_out_of_range_are_refused_visibly_and_the_run_keeps_its_number(typed):
    import ipyvuetify as v
    import solara

    from sim.dashboard import app

    app.replications.set(1000)
    app.replications_refused.set("")
    _, rc = solara.render(app.Sidebar(), handle_error=False)
    field = rc.find(v.TextField, label=f"replications (1–{runner.MAX_REPLICATIONS:,})").widget
    field.v_model = str(typed)
    field.fire_event("keyup.enter", None)
    assert app.replications.value == 1000
    shown = rc.find(v.Alert).widgets
    assert len(shown) == 1 and f"not {typed:,}; the run keeps 1,000" in app.replications_refused.value
    # a number in range is taken, and the refusal goes
    field.v_model = "200"
    field.fire_event("keyup.enter", None)
    assert app.replications.value == 200 and app.replications_refused.value == ""
    assert rc.find(v.Alert).widgets == []
    app.replications.set(1000)


def test_replications_that_are_not_a_number_are_refused_visibly():
    import ipyvuetify as v
    import solara

    from sim.dashboard import app

    app.replications.set(1000)
    _, rc = solara.render(app.Sidebar(), handle_error=False)
    field = rc.find(v.TextField, label=f"replications (1–{runner.MAX_REPLICATIONS:,})").widget
    field.v_model = "lots"
    field.fire_event("keyup.enter", None)
    assert app.replications.value == 1000
    field = rc.find(v.TextField).widgets[0]
    assert field.error and field.label.startswith("replications (1–5,000) (")


def test_the_menus_show_the_files_labels_and_choose_by_name():
    import ipyvuetify as v
    import solara

    from sim.dashboard import app

    cat = runner.catalogue()
    _, rc = solara.render(app.Sidebar(), handle_error=False)
    menus = {w.label: w for w in rc.find(v.Select).widgets}
    scenarios = [item["text"] if isinstance(item, dict) else item for item in menus["scenario"].items]
    assert scenarios[: len(cat.question_scenarios)] == [cat.scenarios[s].label for s in cat.question_scenarios]
    hypotheses = [item["text"] if isinstance(item, dict) else item for item in menus["hypothesis"].items]
    assert hypotheses == [h.label for h in cat.hypotheses.values()] + [app.ALL_HYPOTHESES]
    menus["scenario"].v_model = cat.scenarios["recognition"].label
    assert app.scenario.value == "recognition"
    menus["hypothesis"].v_model = app.ALL_HYPOTHESES
    assert app.hypothesis_choice.value == "all"
    app.scenario.set(cat.question_scenarios[0])
    app.hypothesis_choice.set("engagement_moderates")
    assert app.by_label(["a", "b"], {"a": "Same", "b": "Same"}) == {"Same (a)": "a", "Same (b)": "b"}


def test_the_small_charts_month_labels_fit_at_800_px():
    from sim.dashboard import charts

    live = runner.run_live(small_choice())
    fan = charts.fan_chart(live.hypotheses, live.start, runner.FAN_OUTCOMES)
    months = live.hypotheses[0].scenario.shape[0]
    for axis in fan["xAxis"]:
        shown = len(range(0, months, axis["axisLabel"]["interval"] + 1))
        # 'YYYY-MM' at 11 px is about 45 px wide; a small chart at 800 px has about 220 px of axis
        assert shown * 45 <= 220
