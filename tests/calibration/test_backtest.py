"""The backtest: calibrated on the record known at each origin, scored on what came after, beside naive forecasts."""

import numpy as np
import pandas as pd
import pytest

from sim.calibration import backtest
from sim.calibration.backtest import (
    backtest_table,
    base_rate,
    calibrate,
    events_after,
    known_from,
    naive,
    records_before,
    score_origin,
    skill_sentences,
)
from sim.model.record import RECORDS, record_date

SMALL = {"origins": ["2023-07", "2024-07"], "match_replications": 200, "forecast_replications": 80}
INITIAL = {"russia": 2, "china": 2, "iran": 2, "united_states": 1, "india": 1}
# every state's level in August 2021, as the start state sets it (sim/model/data)
LEVELS_2021 = {**INITIAL, "pakistan": 2, "uzbekistan": 2, "tajikistan": 1, "qatar": 2, "uae": 1, "turkey": 2}
# a record dated after the 2023-07 origin, with a figure no path reaches: read by the calibration, it would change
# which TTP parameters are kept
PLANTED_LATE = {
    "id": "ttp_2024",
    "outcome": "ttp_fighters",
    "kind": "level",
    "when": "2024-06",
    "range": [50, 60],
    "publisher": "planted",
    "source": "a planted record dated after the origin",
}


def _without(record_id):
    return [e for e in RECORDS if e["id"] != record_id]


def test_the_record_known_at_an_origin_is_dated_before_it():
    known = records_before(RECORDS, "2023-07")
    ids = {e["id"] for e in known}
    assert {"attacks_2022", "ttp_2023", "need_2022", "india_mission"} <= ids
    # a yearly total is known only once its year is over; the whole-period counts end in July 2025
    assert not ids & {"attacks_2023", "need_2023", "ttp_2024", "clashes", "first_recognition", "china_ambassador"}
    assert all(np.datetime64(record_date(e), "M") < np.datetime64("2023-07", "M") for e in known)


def test_the_calibration_refuses_a_record_dated_from_the_origin_on():
    with pytest.raises(ValueError, match="ttp_2024"):
        calibrate(records_before(RECORDS, "2023-07") + [PLANTED_LATE], "2023-07", "engagement_moderates", 50)


def test_the_calibration_is_given_only_records_dated_before_each_origin(monkeypatch):
    """score_origin hands the calibration the known record only; the planted late record never reaches it."""
    given = {}

    def spy(known, origin, hypothesis, replications):
        given[origin] = [e["id"] for e in known]
        assert all(known_from(e) <= np.datetime64(origin, "M") for e in known)
        return pd.DataFrame(columns=["parameter", "plausible_p05", "plausible_p95"])

    class Calibrated(Exception):
        """Raised in place of the forecast: the test needs only what the calibration was given."""

    def stop(*args):
        raise Calibrated

    monkeypatch.setattr(backtest, "forecast", stop)
    entries = _without("ttp_2024") + [PLANTED_LATE]
    for origin in ("2023-07", "2024-07"):
        with pytest.raises(Calibrated):
            score_origin(entries, origin, "engagement_moderates", SMALL, 1, calibrate_with=spy)
    assert "ttp_2024" not in given["2023-07"] and "ttp_2023" in given["2023-07"]
    assert "ttp_2024" in given["2024-07"]  # the planted one, dated 2024-06 with no publication month: known then


def test_a_record_published_after_its_window_is_known_only_from_its_publication():
    ttp_2024 = next(e for e in RECORDS if e["id"] == "ttp_2024")  # the report on June 2024, published in July
    assert ttp_2024 not in records_before(RECORDS, "2024-07") and ttp_2024 in records_before(RECORDS, "2024-08")
    bare = {k: v for k, v in ttp_2024.items() if k != "published"}
    assert records_before([bare], "2024-07") == [bare]


def test_a_later_record_does_not_change_the_calibration_but_an_earlier_one_does():
    def ranges(entries):
        matched = calibrate(records_before(entries, "2023-07"), "2023-07", "engagement_moderates", 300)
        return matched.set_index("parameter")[["plausible_p05", "plausible_p95", "kept"]]

    honest = ranges(_without("ttp_2024"))
    with_late = ranges(_without("ttp_2024") + [PLANTED_LATE])
    pd.testing.assert_frame_equal(honest, with_late)
    # the same impossible figure dated before the origin is read, and no TTP parameter set survives it
    early = dict(PLANTED_LATE, id="ttp_2023", when="2023-06")
    with_early = ranges(_without("ttp_2023") + [early])
    assert with_early.loc["ttp.recruitment_rate", "kept"] == 0 < honest.loc["ttp.recruitment_rate", "kept"]


def test_a_forecast_does_not_know_a_shock_dated_after_its_origin():
    """The start state of August 2021 schedules the war of June 2025 (Iran's expulsions after it): a forecaster at
    an earlier origin could not know it, one at a later origin could."""
    from sim.calibration.backtest import foreseeable_state
    from sim.config.plan import plan

    state = plan(["experiment=hindcast", "uncertainty=none", "replications=2"]).cells[0].setup.state
    assert state["iran"]["months_to_security_shock"] >= 0
    for origin in ("2023-07", "2024-07", "2025-06"):
        assert foreseeable_state(state, origin)["iran"]["months_to_security_shock"] == -1, origin
    assert foreseeable_state(state, "2025-07")["iran"] == state["iran"]
    assert state["iran"]["months_to_security_shock"] >= 0  # the plan's own state is left as it was


def test_a_forecast_knows_the_drought_only_as_far_as_its_origin():
    """The drought of 2021-2023 was known at July 2023 only as far as it had run (its end, with the average season
    from November 2023, was not); at July 2024 that end was known, the dry season from November 2024 was not."""
    from sim.calibration.backtest import foreseeable_state
    from sim.config.plan import plan
    from sim.model.model import DiplomacyModel, Setup
    from sim.model.outcomes import month_dates

    setup = plan(["experiment=hindcast", "uncertainty=none", "replications=2"]).cells[0].setup
    state = setup.state

    def seasons(origin, months=64, replications=300):
        model = DiplomacyModel(Setup(**{**setup.__dict__, "state": foreseeable_state(state, origin),
                                        "months": months}), replications)
        dry = []
        while model.month_index < months:
            model.step()
            dry.append(model.population.state.drought.copy())
        return dict(zip((str(d)[:7] for d in month_dates(setup.start, months)), dry))

    at_2023 = seasons("2023-07")
    assert (at_2023["2023-10"] == 1).all()  # the spell runs on through the season under way at the origin
    assert 0.25 < at_2023["2023-11"].mean() < 0.55  # and the next season is drawn, not known to end the spell
    at_2024 = seasons("2024-07")
    assert (at_2024["2023-11"] == 0).all() and (at_2024["2024-10"] == 0).all()  # the end was known by then
    assert 0.25 < at_2024["2024-11"].mean() < 0.55  # the dry season of 2024-25 was not
    assert foreseeable_state(state, "2025-08")["population"] == state["population"]
    assert state["population"]["months_to_drought"] >= 0  # the plan's own state is left as it was


def test_a_forecast_draws_from_what_was_matched_at_the_origin_never_from_the_full_records_ranges():
    """A calibrated range was fitted on the whole record to July 2025: at an origin, a parameter the match there did
    not narrow is drawn from its declared range, and one it narrowed from the narrowed range."""
    import pandas as pd

    from sim.calibration.backtest import forecast_ranges
    from sim.model.rules import PARAMS

    calibrated = [p for p in PARAMS.values() if p.uncertain and p.calibrated_range is not None]
    narrowed, rest = calibrated[0], calibrated[1:]
    matched = pd.DataFrame(
        [{"parameter": narrowed.name, "plausible_p05": narrowed.default, "plausible_p95": narrowed.default}]
    )
    ranges = forecast_ranges(matched)
    assert ranges[narrowed.name] == (narrowed.default, narrowed.default)
    assert rest and all(ranges[p.name] == (p.low, p.high) for p in rest)


def test_a_figure_whose_window_spans_the_origin_is_neither_known_nor_scored_and_is_named():
    from sim.calibration.backtest import records_before, series_after, straddling

    across = straddling(RECORDS, "2023-07")
    assert "need_2023" in across and "attacks_2023" in across
    known = {e["id"] for e in records_before(RECORDS, "2023-07")}
    scored = {e["id"] for e in series_after(RECORDS, "2023-07")}
    assert not set(across) & (known | scored)
    # a report on a window before the origin but published after it is named too: unknown, and not after
    assert "ttp_2024" in straddling(RECORDS, "2024-07") and "ttp_2024" not in straddling(RECORDS, "2024-08")


def test_a_naive_forecaster_reads_a_plan_published_before_the_origin():
    """OCHA's 2024 plan (23.7 million in need) was published in December 2023: at the origin of July 2024 persistence
    says 23.7 for 2025, not the 28.3 of 2023, though the 2024 figure's own window runs past the origin."""
    from sim.calibration.backtest import naive, published_before

    need_2025 = next(e for e in RECORDS if e["id"] == "need_2025")
    persistence, _ = naive(need_2025, published_before(RECORDS, "2024-07"), {})
    assert persistence == 23.7
    persistence_before, _ = naive(need_2025, published_before(RECORDS, "2023-07"), {})
    assert persistence_before == 28.3


def test_the_naive_forecasts_use_only_the_known_record():
    attacks_2024 = next(e for e in RECORDS if e["id"] == "attacks_2024")
    known = records_before(RECORDS, "2023-07")
    persistence, trend = naive(attacks_2024, known, INITIAL)
    # persistence: 2022's 376 at the same monthly rate for twelve months
    assert persistence == pytest.approx(376.0)
    # trend: through 2021's 131 over five months and 2022's 376 over twelve, extended to mid-2024
    assert trend > persistence
    late = dict(attacks_2024, id="attacks_2023", when=["2023-01", "2023-12"], range=[5000, 5000])
    assert naive(attacks_2024, known + records_before([late], "2023-07"), INITIAL) == (persistence, trend)


def test_a_relations_naive_level_comes_from_the_initial_state_and_the_dated_steps():
    china_2025 = next(e for e in RECORDS if e["id"] == "china_2025")
    assert naive(china_2025, records_before(RECORDS, "2023-07"), INITIAL)[0] == 2  # ambassador came in 2023-09
    assert naive(china_2025, records_before(RECORDS, "2024-07"), INITIAL)[0] == 3


def test_events_after_an_origin_and_their_base_rates():
    events = {e["id"]: e for e in events_after(RECORDS, "2024-07")}
    assert {"first_recognition", "uae_ambassador", "pakistan_ambassadors", "clashes", "girls_schools"} <= set(events)
    assert "china_ambassador" not in events and "india_mission" not in events
    known = records_before(RECORDS, "2024-07")
    # clashes: three of the five listed months fall before 2024-07, over 35 months; the window is 13 months
    expected = 1 - (1 - 3 / 35) ** 13
    assert base_rate(events["clashes"], known, "2024-07", 11) == pytest.approx(expected)
    assert base_rate(events["girls_schools"], known, "2024-07", 11) == 0.0


def test_a_rung_never_reached_by_july_2025_is_scored_as_an_event_that_did_not_happen():
    """Washington stayed at channels: a forecast of its embassy or recognition in the window is scored, observed 0,
    and a model that forecasts it in every run scores the worst Brier."""
    import scoringrules as sr

    from sim.calibration.backtest import _event_probability, _observed_event
    from sim.model.outcomes import OUTCOME_INDEX, OUTCOMES, month_dates

    events = {e["id"]: e for e in events_after(RECORDS, "2024-07", LEVELS_2021)}
    assert {"united_states_reaches_2", "united_states_reaches_4", "qatar_reaches_4"} <= set(events)
    recognises = events["united_states_reaches_4"]
    assert _observed_event(recognises, "2024-07") == 0.0
    # Russia's recognition is reached with no dated relation step: scored once, as the first recognition
    assert "russia_reaches_4" not in events and "first_recognition" in events
    dates = month_dates((2021, 8), 48)
    record = np.zeros((48, len(OUTCOMES), 10))
    record[:, OUTCOME_INDEX["relation_united_states"], :] = 1
    record[40:, OUTCOME_INDEX["relation_united_states"], :] = 4  # every run recognises from late 2024
    probability = _event_probability(record, dates, recognises, "2024-07")
    assert probability == 1.0
    assert float(sr.brier_score(np.float64(0.0), np.float64(probability))) == 1.0
    # the dated first steps (without the levels of 2021) are as before
    assert len(events_after(RECORDS, "2024-07")) < len(events)


def test_the_rungs_scored_come_from_the_record_without_counting_a_dated_step_twice():
    from sim.calibration.backtest import rungs_after

    rungs = {e["id"]: e["observed"] for e in rungs_after(RECORDS, "2023-07", LEVELS_2021)}
    # the UAE's ambassador of Aug 2024 is scored by its dated record; its rung 2 has no date (it may have come
    # before the origin) and is left out; recognition did not come
    assert "uae_reaches_3" not in rungs and "uae_reaches_2" not in rungs and rungs["uae_reaches_4"] == 0.0
    # Iran at 2-3 in July 2025: whether rung 3 was reached is left open, and not scored
    assert "iran_reaches_3" not in rungs and rungs["iran_reaches_4"] == 0.0
    # China's ambassador (dated Sep 2023-Jan 2024) is known at the later origin: only recognition is left
    later = {e["id"] for e in rungs_after(RECORDS, "2024-07", LEVELS_2021)}
    assert {i for i in later if i.startswith("china")} == {"china_reaches_4"}
    # at an origin inside that window the step may have come before it: rung 3 is neither scored nor assumed
    across = {e["id"] for e in rungs_after(RECORDS, "2023-11", LEVELS_2021)}
    assert "china_reaches_3" not in across and "china_reaches_4" in across
    # the record decides: had Qatar recognised by July 2025 with no date on the record, its rung 4 would not be
    # scored (its step may have come before the origin), where now it is scored as not reached
    assert rungs["qatar_reaches_4"] == 0.0
    recognised = [dict(e, range=[4, 4]) if e["id"] == "qatar_2025" else e for e in RECORDS]
    assert "qatar_reaches_4" not in {e["id"] for e in rungs_after(recognised, "2023-07", LEVELS_2021)}
    # a state the record gives no July 2025 level for is not scored
    silent = [e for e in RECORDS if e["id"] != "qatar_2025"]
    assert not [e for e in rungs_after(silent, "2023-07", LEVELS_2021) if e["outcome"] == "relation_qatar"]


def test_one_known_figure_gives_persistence_but_no_trend():
    tajikistan_2025 = next(e for e in RECORDS if e["id"] == "tajikistan_2025")
    persistence, trend = naive(tajikistan_2025, records_before(RECORDS, "2023-07"), LEVELS_2021)
    assert persistence == 1 and np.isnan(trend)  # no dated step: its level of August 2021 alone is known
    india_2025 = next(e for e in RECORDS if e["id"] == "india_2025")
    assert np.isfinite(naive(india_2025, records_before(RECORDS, "2023-07"), LEVELS_2021)[1])


def test_the_sentences_say_over_how_many_figures_a_trend_was_formed():
    rows = [
        {"origin": "2023-07", "record": "a", "metric": "crps", "persistence": 1.0, "trend": 2.0,
         "skill_persistence": 0.5, "skill_trend": 0.4},
        {"origin": "2023-07", "record": "b", "metric": "crps", "persistence": 1.0, "trend": np.nan,
         "skill_persistence": -0.3, "skill_trend": np.nan},
        {"origin": "2023-07", "record": "c", "metric": "brier", "observed": 0.0, "skill_base_rate": 0.2},
    ]  # fmt: skip
    text = " ".join(skill_sentences(pd.DataFrame(rows).reindex(columns=backtest.COLUMNS)))
    assert "beats the linear trend in 1 of 1 comparisons" in text and "trend could be formed for 1 of the 2" in text
    assert "in 1 of 1 comparisons (1 of the 1, and 1 of the wins, on events that did not happen" in text


def test_each_parameter_is_listed_with_the_month_its_basis_cites_and_whether_the_origin_knew_it():
    """Islamabad's expulsion plan of 3 Oct 2023 sets pakistan.campaign_trigger: after the first origin, before the
    second."""
    from sim.calibration.backtest import prior_dates, prior_sentences
    from sim.model.rules import PARAMS

    assert "Oct 2023" in PARAMS["pakistan.campaign_trigger"].provenance
    priors = prior_dates(["2023-07", "2024-07"]).set_index(["origin", "parameter"])
    first = priors.loc[("2023-07", "pakistan.campaign_trigger")]
    second = priors.loc[("2024-07", "pakistan.campaign_trigger")]
    assert first["cited_month"] == second["cited_month"] == "2023-10"
    assert first["use"] == "drawn" and first["from_origin"] and not second["from_origin"]
    # the scales held fixed cite the texts of 2025
    scale = priors.loc[("2023-07", "pakistan.attack_scale")]
    assert scale["use"] == "fixed" and scale["from_origin"]
    assert priors.xs("2023-07")["from_origin"].isna().any()  # a guess cites nothing: undated, not a leak
    (first_count, first_names), (_, second_names) = prior_sentences(prior_dates(["2023-07", "2024-07"]))
    count = int(priors.xs("2023-07").query("use == 'drawn'")["from_origin"].eq(True).sum())
    assert f"At 2023-07, {count} of the" in first_count and "pakistan.attack_scale" in first_count
    assert "campaign_trigger" in first_names
    # the later origin names what it knew that the earlier did not
    assert "those of 2023-07 but" in second_names and "campaign_trigger" in second_names


@pytest.mark.parametrize(
    "override, message",
    [
        ("experiment.analysis.origins=[2025-09]", "must lie between 2022-01 and 2025-06"),
        ("experiment.analysis.origins=[soon]", "is not a month"),
        ("experiment.analysis.origins=[2023-07-15]", "is not a month"),
        ("experiment.analysis.origins=[2023-07,2023-07]", "lists a month twice"),
        ("experiment.analysis.forecast_replications=3", "whole number from 20"),
        ("+experiment.analysis.horizon=5", "is not a backtest setting"),
        ("experiment.initial=jul2025", "runs from the takeover"),
        ("+params.ttp.recruitment_rate=0.05", "parameter set by hand"),
        ("scenario=recognition", "forecasts the status quo"),
        ("hypothesis=legitimacy_emboldens hypothesis.mechanisms.legitimacy_emboldens=0.5", "changed on the command"),
    ],
)
def test_a_backtest_that_would_use_later_records_or_bad_settings_is_refused(override, message):
    from sim.config.names import ConfigError
    from sim.config.plan import plan

    with pytest.raises(ConfigError, match=message):
        plan(["experiment=backtest", "replications=2", *override.split()])


def test_the_backtest_runs_under_the_worldview_chosen_on_the_command_line():
    assert backtest.run_hypotheses({"hypothesis": {"name": "legitimacy_emboldens"},
                                    "experiment": {"hypotheses": ["engagement_moderates"]}}) == ["legitimacy_emboldens"]
    assert backtest.run_hypotheses({"hypothesis": None, "experiment": {"hypotheses": ["a", "b"]}}) == ["a", "b"]


def test_the_match_at_an_origin_holds_the_other_parameters_at_their_defaults(monkeypatch):
    """Their calibrated ranges were fitted on the whole record: drawn from them, the match at an origin would read
    later records through them."""
    from sim.calibration import history

    seen = []

    class Planned(Exception):
        pass

    def spy(overrides):
        seen.append(list(overrides))
        raise Planned

    monkeypatch.setattr(history, "plan", spy)
    with pytest.raises(Planned):
        calibrate(records_before(RECORDS, "2023-07"), "2023-07", "engagement_moderates", 50)
    assert "uncertainty=none" in seen[0]


def test_a_relation_given_as_two_rungs_is_not_scored_and_the_uncalibrated_forecast_is_beside_the_model():
    iran_2025 = next(e for e in RECORDS if e["id"] == "iran_2025")  # "2 or 3"
    india_2025 = next(e for e in RECORDS if e["id"] == "india_2025")
    assert backtest.between_rungs(iran_2025) and not backtest.between_rungs(india_2025)
    settings = {**SMALL, "forecast_replications": 20}
    rows = pd.DataFrame(
        score_origin(RECORDS, "2024-07", "engagement_moderates", settings, 1,
                     calibrate_with=lambda *a: backtest.NOTHING_MATCHED)
    )  # fmt: skip
    assert "iran_2025" not in set(rows["record"]) and "india_2025" in set(rows["record"])
    scored = rows[rows["metric"].isin(["crps", "brier"])]
    # with nothing matched the calibrated forecast is the declared-range one: the two columns agree
    assert np.allclose(scored["model"], scored["model_uncalibrated"])


def test_a_point_forecasts_crps_is_its_absolute_error():
    import scoringrules as sr

    assert float(sr.crps_ensemble(np.float64(5.0), np.full(10, 3.0))) == pytest.approx(2.0)


def test_the_sentences_say_where_the_model_loses():
    rows = [
        {"origin": "2023-07", "record": "a", "metric": "crps", "skill_persistence": 0.5, "skill_trend": 0.4},
        {"origin": "2023-07", "record": "b", "metric": "crps", "skill_persistence": -0.3, "skill_trend": 0.2},
        {"origin": "2023-07", "record": "c", "metric": "brier", "skill_base_rate": -0.1},
    ]
    table = pd.DataFrame(rows).reindex(columns=backtest.COLUMNS)
    text = " ".join(skill_sentences(table))
    assert "beats persistence in 1 of 2" in text and "it does not on b (2023-07)" in text
    assert "beats the linear trend in 2 of 2" in text
    assert "beats the base rate in 0 of 1" in text and "c (2023-07)" in text


@pytest.mark.slow
def test_the_backtest_table_scores_model_and_both_baselines_at_each_origin():
    t = backtest_table(SMALL, ["engagement_moderates"], 7)
    assert set(t["origin"]) == {"2023-07", "2024-07"}
    for origin, sub in t.groupby("origin"):
        crps = sub[sub["metric"] == "crps"]
        assert len(crps) == len(backtest.scored_series(RECORDS, origin)) >= 10
        with_baselines = crps.dropna(subset=["model", "persistence", "trend"])
        assert len(with_baselines) >= 3, crps.to_string()
        assert crps["trend"].isna().any()  # one known figure forms no trend
        brier = sub[sub["metric"] == "brier"].dropna(subset=["model", "base_rate"])
        assert len(brier) == len(events_after(RECORDS, origin, LEVELS_2021))
        assert (brier["observed"] == 0).sum() > 10  # the rungs never reached are scored
        assert {"cover50", "cover90", "pit"} <= set(sub["metric"])
        assert sub[sub["metric"] == "pit"]["model"].between(0, 1).all()
        scored = sub[sub["metric"].isin(["crps", "brier"])]
        expected = 1 - scored["model"] / scored[["persistence", "trend", "base_rate"]].min(axis=1)
        finite = np.isfinite(expected)
        assert np.allclose(scored["skill"][finite], expected[finite])
    # 2024's attacks are known at the second origin, so only the first scores them
    assert set(t[t["record"] == "attacks_2024"]["origin"]) == {"2023-07"}


@pytest.mark.slow
def test_the_backtest_experiment_runs_end_to_end(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "backtest"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "experiment=backtest",
            "replications=5",
            "experiment.analysis.match_replications=200",
            "experiment.analysis.forecast_replications=60",
            f"out_dir={out}",
            "progress=false",
            "executor.kind=serial",
        ],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "backtest.csv")
    for column in ("origin", "outcome", "lead", "metric", "model", "persistence", "trend", "base_rate", "skill"):
        assert column in table.columns
    assert set(table["origin"]) == {"2023-07", "2024-07"}
    files = json.loads((out / "manifest.json").read_text())["files"]
    assert {"backtest.csv", "backtest.png", "backtest.priors.csv"} <= set(files)  # the tool's own files
    from sim.store.files import MARKER, _might_write, tool_files

    assert {"backtest.csv", "backtest.png", "backtest.priors.csv"} <= tool_files(out)
    priors = pd.read_csv(out / "backtest.priors.csv")
    assert list(priors.columns) == ["origin", "parameter", "use", "cited_month", "from_origin"]
    # a user's file under any of these names is refused before a run with overwrite=true, not found in the way after
    unchecked = [p.name for p in out.iterdir() if p.name != MARKER and not _might_write(p.name)]
    assert not unchecked, unchecked
    report = (out / "report.md").read_text()
    assert "## Forecast skill: the backtest" in report and "beats persistence" in report
    assert "drawn parameters' ranges cite material from the origin on" in report
    assert "every other parameter keeps its default" not in report
    assert "| 2023-07 | attacks_2024 | 17 | crps |" in report


def test_the_report_says_what_the_calibration_at_the_origin_adds():
    rows = [
        {"metric": "crps", "model": 1.0, "model_uncalibrated": 2.0, "persistence": 1.5},
        {"metric": "crps", "model": 1.0, "model_uncalibrated": 1.0, "persistence": 0.5},
        {"metric": "brier", "model": 0.1, "model_uncalibrated": 0.1, "base_rate": 0.2},
    ]
    text = " ".join(backtest.calibration_sentences(pd.DataFrame(rows).reindex(columns=backtest.COLUMNS)))
    assert "moves a forecast (1 of 3 comparisons" in text and "lowers the score in 1" in text
    assert "beat the best naive forecaster in 1 of 3 comparisons, with it in 2" in text
    same = [dict(r, model_uncalibrated=r["model"]) for r in rows]
    text = " ".join(backtest.calibration_sentences(pd.DataFrame(same).reindex(columns=backtest.COLUMNS)))
    assert text.startswith("Nothing was matched at the origin")
