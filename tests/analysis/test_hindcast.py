"""The hindcast from August 2021 against the public record to July 2025."""

import numpy as np
import pytest

from sim.analysis.hindcast import table
from sim.config.plan import plan
from sim.model.ensemble import run_cell
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.record import CHECKS, RECORDS, UNOBSERVED, extract, load_records

REPS = 300


@pytest.fixture(scope="module")
def hindcast_table():
    p = plan(["experiment=hindcast", "uncertainty=none", f"replications={REPS}"])
    extracts = {c.hypothesis.name: extract(run_cell(c.setup, REPS), c.setup.start) for c in p.cells}
    return table(extracts)


def _status_quo(overrides, reps=200):
    p = plan(
        [
            "experiment=hindcast",
            "uncertainty=none",
            f"replications={reps}",
            "experiment.hypotheses=[engagement_moderates]",
            *overrides,
        ]
    )
    cell = p.cells[0]
    return extract(run_cell(cell.setup, reps), cell.setup.start)


def test_hindcast_starts_at_the_takeover_and_runs_past_russias_recognition():
    p = plan(["experiment=hindcast", "uncertainty=none", "replications=1"])
    setup = p.cells[0].setup
    assert setup.start == (2021, 8)
    assert setup.months >= 48
    assert [c.scenario.name for c in p.cells] == ["status_quo"] * 4


def test_every_reported_outcome_is_held_against_a_record_or_says_why_not():
    checked = {e["outcome"] for e in RECORDS}
    missing = [o for o in OUTCOME_NAMES if o not in checked and o not in UNOBSERVED]
    assert not missing, f"outcomes with neither a record nor a note: {missing}"


def test_the_record_refuses_anything_dated_after_july_2025(tmp_path):
    path = tmp_path / "records.yaml"
    path.write_text(
        "records:\n  - {id: late, outcome: ttp_fighters, kind: level, when: 2025-08, range: [6000, 6000], source: x}\n"
    )
    with pytest.raises(ValueError, match="after 2025-07"):
        load_records(path)


def test_the_report_marks_a_record_outside_the_band():
    """The verdicts follow the bands: a record far above every replication is outside, one at the median inside."""
    check = next(c for c in CHECKS if c.id == "ttp_2023")  # record 4,000-6,000
    low_values = {c.id: np.full(100, np.nan) for c in CHECKS}
    low_values["ttp_2023"] = np.linspace(1000, 2000, 100)
    centred = dict(low_values, ttp_2023=np.linspace(3000, 7000, 100))
    t = table({"low": low_values, "centred": centred}).set_index(["hypothesis", "id"])
    assert not t.loc[("low", check.id), "inside_90"]
    assert t.loc[("centred", check.id), "inside_50"] and t.loc[("centred", check.id), "inside_90"]


def test_a_record_is_graded_by_its_value_not_by_an_overlap_of_ranges():
    """A band that overlaps the record's range 4,000-6,000 but stops short of its middle (5,000) is a miss,
    and the report lists it among the misses with the band's width beside the band."""
    from sim.analysis.hindcast import hindcast_text

    values = {c.id: np.full(100, np.nan) for c in CHECKS}
    values["ttp_2023"] = np.linspace(3000, 4800, 100)  # 90% band about 3,090-4,710: overlaps 4,000-6,000
    t = table({"edge": values}).set_index("id")
    row = t.loc["ttp_2023"]
    assert float(row["model_p95"]) > 4000  # the ranges overlap ...
    assert not row["inside_90"] and not row["inside_50"]  # ... but the middle of the record is outside
    assert row["graded_value"] == "5000"
    assert abs(row["band90_width"] - (float(row["model_p95"]) - float(row["model_p05"]))) < 1
    text = hindcast_text(t.reset_index())
    misses = text[text.index("Misses") :]
    assert "ttp_2023" in misses and "UN Security Council" in misses
    line = next(line for line in text.splitlines() if line.strip().startswith("ttp fighters, 2023-06"))
    assert f"{row['band90_width']:.0f}  OUTSIDE" in line, line


def test_a_record_a_wide_band_holds_but_few_runs_land_on_is_listed_as_hidden():
    """A band of 1,000-9,000 holds the record's middle (5,000) though one run in ten lands in 4,000-6,000: the report
    lists it as a sharp record the band hides; a band centred on the record is not listed."""
    from sim.analysis.hindcast import hindcast_text

    values = {c.id: np.full(100, np.nan) for c in CHECKS}
    spread = np.r_[np.linspace(1000, 3900, 45), np.linspace(4100, 4900, 10), np.linspace(6100, 9000, 45)]
    wide = dict(values, ttp_2023=spread)
    sharp = dict(values, ttp_2023=np.linspace(4200, 5800, 100))
    t = table({"wide": wide, "sharp": sharp})
    rows = t.set_index(["hypothesis", "id"])
    assert rows.loc[("wide", "ttp_2023"), "inside_90"] and rows.loc[("wide", "ttp_2023"), "reproduced_share"] == 0.1
    assert rows.loc[("sharp", "ttp_2023"), "reproduced_share"] == 1.0
    hidden = hindcast_text(t)
    hidden = hidden[hidden.index("Sharp records the bands hide") :]
    line = next(line for line in hidden.splitlines() if line.strip().startswith("ttp_2023"))
    assert "wide 10%" in line and "sharp" not in line


def test_a_lower_bound_is_inside_when_the_band_reaches_it():
    values = {c.id: np.full(100, np.nan) for c in CHECKS}
    values["ttp_2025"] = np.linspace(5000, 6500, 100)  # record: at least 6,000
    below = dict(values, ttp_2025=np.linspace(4000, 5500, 100))
    t = table({"reaches": values, "below": below}).set_index(["hypothesis", "id"])
    assert t.loc[("reaches", "ttp_2025"), "inside_90"]
    assert not t.loc[("below", "ttp_2025"), "inside_90"]


def test_every_record_names_its_publisher_and_document():
    for e in RECORDS:
        assert str(e.get("publisher", "")).strip(), f"record {e['id']} names no publisher"
        assert len(e["source"]) > 20 and "as above" not in e["source"], f"record {e['id']}: name the document"


def test_every_outcome_with_a_record_names_one_tracker():
    from sim.model.outcomes import OUTCOMES

    checked = {e["outcome"] for e in RECORDS}
    unnamed = [o.name for o in OUTCOMES if o.name in checked and not o.tracker]
    assert not unnamed, f"outcomes held against a record with no tracker named: {unnamed}"
    deaths = next(o for o in OUTCOMES if o.name == "deaths_pakistan")
    assert sum(name in deaths.tracker for name in ("PIPS", "CRSS", "PICSS", "ACLED")) == 1


def test_every_figure_from_the_texts_is_inside_the_90_percent_band(hindcast_table):
    from_texts = hindcast_table[hindcast_table["in_texts"]]
    assert len(from_texts) == 4 * sum(c.in_texts for c in CHECKS)
    outside = from_texts[~from_texts["inside_90"]]
    assert outside.empty, outside[["hypothesis", "quantity", "reported", "model_p05", "model_p95"]].to_string()


# Records the calibrated model reaches under every hypothesis (the misses are findings in docs/calibration.md)
REACHED = (
    "attacks_2021",
    "attacks_2022",
    "attacks_2024",
    # deaths_2022 is a miss since the Baloch separatists' attacks, which no TTP truce held back, are counted apart:
    # the band's lower end rose just past CRSS's 973-980 (docs/calibration.md, findings)
    "deaths_2023",
    "ttp_2023",
    "ttp_2024",
    "clashes",
    "iskp_abroad",
    "iskp_afghanistan_2023",
    # 2022's events and the casualties to May 2023 stay below the band at the defaults: the UN's counts of ISKP's
    # attacks, which set the surge, leave out the Taliban's raids that ACLED counts, and the casualty base leaves out
    # most of the explosive remnants of war of 2021-23 (docs/calibration.md, findings)
    "civilian_casualties_2024_q2",
    "girls_schools",
    "civil_war",
    "returns_2023",
    "returns_2024",
    "returns_2025",
    "china_ambassador",
    "pakistan_ambassadors",
    "russia_2025",
    "united_states_never_above_channels",
    "china_2025",
    "india_2025",
    "pakistan_2025",
    "aid_funding_2024",
    "aid_2025_vs_2024",
    "coverage_2024",
    "coverage_2025",
    "gdp_2024_vs_2022",
    "returns_iran_2024",
    "returns_all_2024",
    "population_2023",
)


def test_records_outside_the_texts_are_inside_the_90_percent_band(hindcast_table):
    rows = hindcast_table[hindcast_table["id"].isin(REACHED)]
    assert len(rows) == 4 * len(REACHED)
    outside = rows[~rows["inside_90"]]
    assert outside.empty, outside[["hypothesis", "id", "reported", "model_p05", "model_p95"]].to_string()


def test_iskp_at_home_falls_from_its_surge_after_the_takeover(hindcast_table):
    """ACLED counted 199 events involving ISKP in 2022 and 49 in 2023: the Taliban's crackdown wears the takeover's
    surge down, and the civilian toll to May 2023 is several times a later year's."""
    rows = hindcast_table[hindcast_table["id"].str.startswith(("iskp_afghanistan", "civilian_casualties"))]
    median = rows.set_index(["hypothesis", "id"])["model_median"].astype(float)
    for view in rows["hypothesis"].unique():
        assert median[view, "iskp_afghanistan_2022"] > 2.5 * median[view, "iskp_afghanistan_2023"]
        assert median[view, "iskp_afghanistan_2022"] > 120
        assert median[view, "civilian_casualties_2021_2023"] > 2000


def test_first_recognition_has_a_closed_band_under_three_and_a_half_years(hindcast_table):
    rows = hindcast_table[hindcast_table["id"] == "first_recognition"]
    assert (rows["never_share"] < 0.05).all()  # the band's upper end is a date, not "never"
    assert (rows["band90_months"] <= 42).all(), rows[["hypothesis", "model_p05", "model_p95"]].to_string()
    assert (rows["within_a_year_share"] > 0.45).all()


def test_russia_recognises_first_and_by_rule_not_by_schedule(hindcast_table):
    rows = hindcast_table[hindcast_table["id"] == "russia_first"]
    assert (rows["model_median"].astype(float) >= 0.9).all()


def test_recognition_is_not_scheduled():
    """With the ISKP threat removed, Russia's wish falls and recognition by 2025 becomes rare: it is emergent."""
    values = _status_quo(["+params.russia.threat_response=0.0"])["first_recognition"]
    assert np.isnan(values).mean() > 0.9


def test_the_takeover_shock_raises_need():
    values = _status_quo([])
    without = _status_quo(["+params.population.collapse_need=0.5", "+params.international.emergency_surge=0.5"])
    # the collapse lifts need in 2022-23 by millions
    assert np.median(values["need_2023"]) - np.median(without["need_2023"]) > 1.0
    assert np.median(values["need_2022"]) > 24.0
    # donors' emergency funding doubles aid in 2022 against 2024
    assert np.median(values["aid_2022_vs_2024"]) > 1.7


@pytest.mark.xfail(
    strict=True,
    reason="the record's fall of need from 28.3 million (2023) to 22.9 million (2025) is not reproduced: funding fell, "
    "returns from Iran and Pakistan rose and the US cut came in 2025, all of which raise need in the model; the UN "
    "plan of 2025 was drawn up before the cut, and the 2024 plan counted need more narrowly (docs/calibration.md)",
)
def test_need_falls_back_by_2025():
    values = _status_quo([])
    assert np.median(values["need_2025"]) < np.median(values["need_2023"]) - 1.0


def test_an_iskp_attack_abroad_speeds_russias_recognition():
    """Triggers set the pace: without the alarm of ISKP attacks abroad Moscow recognises later."""
    with_alarm = _status_quo([])["first_recognition"]
    without = _status_quo(["+params.states.incident_impetus=0.0"])["first_recognition"]
    later = np.nanmedian(np.where(np.isnan(without), 1e9, without)) - np.nanmedian(with_alarm)
    assert later >= 3  # months


def test_peer_steps_bunch_the_ambassador_level_steps():
    """Other states' steps speed a state's own: without them, China's and Pakistan's steps come later."""
    with_peers = _status_quo([])
    without = _status_quo(["+params.states.peer_step_impetus=0.0"])
    for check in ("china_ambassador", "pakistan_ambassadors"):
        a = np.where(np.isnan(with_peers[check]), 1e9, with_peers[check])
        b = np.where(np.isnan(without[check]), 1e9, without[check])
        assert np.median(b) - np.median(a) >= 3, check


def test_violence_launches_the_deportation_campaign():
    """Returns jump only once a campaign starts, and a campaign needs violence above the tolerated level."""
    values = _status_quo([])
    calm = _status_quo(["+params.pakistan.campaign_tolerance=0.95", "+params.pakistan.campaign_trigger=0.1"])
    assert np.median(values["returns_2023"]) > 400
    assert np.median(calm["returns_2023"]) < np.median(values["returns_2023"]) - 200


# --- with every uncertain parameter drawn from its (calibrated) range -------------------------------------------


@pytest.fixture(scope="module")
def sampled():
    from sim.calibration.history import draw_into

    p = plan(["experiment=hindcast", f"replications={REPS}"])
    p = draw_into(p)
    draws = p.drawn
    reps = np.arange(REPS)
    values = {c.hypothesis.name: extract(run_cell(c.setup, reps), c.setup.start) for c in p.cells}
    return draws, values, table(values)


def test_the_sampled_hindcast_draws_the_motives_from_their_calibrated_ranges(sampled):
    draws, _, _ = sampled
    base = draws["russia.base_desire"]
    assert base.std() > 0.2  # drawn, not fixed
    assert base.min() >= 3.28 - 1e-9 and base.max() <= 4.3 + 1e-9  # inside the range the record leaves


def test_the_seed_figures_are_inside_the_90_percent_band_with_parameters_drawn(sampled):
    _, _, t = sampled
    for check in ("ttp_2025", "attacks_2023", "deaths_2024"):
        rows = t[t["id"] == check]
        assert len(rows) == 4 and rows["inside_90"].all(), rows[["hypothesis", "model_p05", "model_p95"]].to_string()


def test_russia_recognises_first_in_most_replications_with_parameters_drawn(sampled):
    _, values, t = sampled
    for hypothesis, v in values.items():
        first = v["russia_first"]
        share_of_all = np.mean(first == 1.0)  # NaN (no recognition by 2029) counts against
        share_of_recognising = np.nanmean(first)
        assert share_of_all > 0.5, (hypothesis, share_of_all)
        assert share_of_recognising > 0.75, (hypothesis, share_of_recognising)


def test_the_first_recognition_band_holds_july_2025_with_parameters_drawn(sampled):
    _, _, t = sampled
    rows = t[t["id"] == "first_recognition"]
    # the 50% band, not only the 90% band, which an open end ("never") makes easy to meet
    assert rows["inside_50"].all(), rows[["hypothesis", "model_p25", "model_p75", "never_share"]].to_string()
    assert (rows["never_share"] < 0.25).all(), rows[["hypothesis", "never_share"]].to_string()


def test_peeling_narrows_the_parameter_that_decides_and_keeps_the_default():
    """Kept replications need the first parameter above 0.6; the box cuts it there, not past the default."""
    from sim.calibration.history import peel_box

    rng = np.random.default_rng(3)
    unit = rng.random((4000, 3))
    kept = unit[:, 0] > 0.6
    lo, hi, share = peel_box(unit, kept, np.array([0.7, 0.5, 0.5]), target=0.9)
    assert 0.5 < lo[0] <= 0.7 and share >= 0.9
    assert lo[1] < 0.2 and hi[1] > 0.8 and lo[2] < 0.2 and hi[2] > 0.8  # the others are left wide
    # a default on the wrong side of the cut keeps its place in the box: the fit is then not reached
    lo, hi, share = peel_box(unit, kept, np.array([0.3, 0.5, 0.5]), target=0.9)
    assert lo[0] <= 0.3 and share < 0.9


@pytest.fixture(scope="module")
def hindcast_run(tmp_path_factory):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = tmp_path_factory.mktemp("hindcast") / "hindcast"
    done = subprocess.run(
        [sys.executable, "-m", "sim", "experiment=hindcast", "replications=5", f"out_dir={out}", "progress=false"],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_hindcast_experiment_runs_end_to_end_with_its_chart(hindcast_run):
    out = hindcast_run
    for name in ("hindcast.png", "hindcast.csv", "hindcast.txt", "report.md"):
        assert (out / name).is_file(), name
    assert "hindcast.png" in (out / "report.md").read_text()


def test_the_hindcast_report_prints_levels_without_a_sign(hindcast_run):
    """With no policy to compare, the report's tables hold levels (fighters, deaths): '9632', never '+9632'."""
    report = (hindcast_run / "report.md").read_text()
    tables = report[report.index("## Tables") :]
    rows = [line for line in tables.splitlines() if line.startswith("| Engagement moderates |")]
    assert rows, tables[:500]
    assert not any("+" in row for row in rows), rows


def test_a_share_of_replications_is_shown_once_not_as_a_band():
    """Russia first is one share over all replications: '0.856', not '0.856 [0.856, 0.856] [0.856, 0.856]'."""
    from sim.analysis.hindcast import hindcast_text

    values = {c.id: np.full(100, np.nan) for c in CHECKS}
    values["russia_first"] = np.r_[np.ones(86), np.zeros(14)]
    text = hindcast_text(table({"one": values}))
    line = next(line for line in text.splitlines() if "Russia is first" in line)
    assert "0.86" in line and "[" not in line, line
    # every other record keeps its two bands
    ttp = next(line for line in text.splitlines() if line.strip().startswith("ttp fighters, 2023-06"))
    assert ttp.count("[") == 2
