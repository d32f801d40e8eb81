"""The live page's engine: the watched run is replication r of the ensemble, caching, P(better), attribution."""

import socket
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("solara", reason="the page's packages come with the dashboard extra")

from sim.dashboard import attribution, folder, runner  # noqa: E402
from sim.ensemble import run_cell  # noqa: E402
from sim.outcomes import OUTCOME_INDEX, OUTCOMES  # noqa: E402
from sim.rules import PARAMS, RULES, Rule  # noqa: E402
from sim.uncertainty import uncertain_parameters  # noqa: E402

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


def test_results_folder_is_read_without_changing_it(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "summary.csv").write_text("scenario,hypothesis,x\nstatus_quo,h,1.5\nisolation,h,2.5\n", encoding="utf-8")
    (run / "report.md").write_text("# Report\n\n![fan](fan_x.png)\n\nText.\n", encoding="utf-8")
    (run / "fan_x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    before = {p.name: p.stat().st_mtime_ns for p in run.iterdir()}
    shown = folder.read_folder(run)
    assert shown.report_name == "report.md" and "Text." in folder.strip_local_images(shown.report)
    assert "fan_x.png" not in folder.strip_local_images(shown.report)
    assert [p.name for p in shown.figures] == ["fan_x.png"]
    assert list(shown.summary["x"]) == [1.5, 2.5]
    assert {p.name: p.stat().st_mtime_ns for p in run.iterdir()} == before
    assert folder.find_folders(tmp_path) == [run]


@pytest.mark.parametrize("make", ["missing", "file", "empty", "blank"])
def test_a_folder_that_cannot_be_shown_says_why(tmp_path, make):
    target = {"missing": tmp_path / "nope", "file": tmp_path / "f.txt", "empty": tmp_path, "blank": "  "}[make]
    if make == "file":
        target.write_text("x", encoding="utf-8")
    with pytest.raises(folder.FolderError) as info:
        folder.read_folder(target)
    assert "\n" not in str(info.value)


def _serve(*args):
    return subprocess.run([sys.executable, "-m", "sim.dashboard", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [["--port", "80"], ["--port", "abc"], ["--colour"]])
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


def test_a_cell_split_over_two_processes_is_the_cell_run_whole():
    choice = small_choice(replications=runner.MIN_SPLIT + 13)
    setup = runner.cell_setup(choice, choice.scenario, "engagement_moderates")
    if runner.helper_pool() is None:
        pytest.skip("one core: cells are not split")
    np.testing.assert_array_equal(runner.run_split(setup, choice.replications), run_cell(setup, choice.replications))


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
