"""The report of a results folder: written by the run, rebuilt from the stored files alone, byte for byte."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.model.sampling import uncertain_parameters
from tests.faces.test_cli import ROOT, run_sim

REPORT_OUTPUTS = ("summary.csv", "comparison.txt", "report.md")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "smoke"
    result = run_sim("experiment=smoke", "uncertainty=parameters", "replications=16", f"out_dir={out}")
    assert result.returncode == 0, result.stderr
    return out


def _outputs(folder: Path) -> dict:
    names = [*REPORT_OUTPUTS, *sorted(p.name for p in folder.glob("*.png"))]
    return {name: (folder / name).read_bytes() for name in names}


def test_parameters_are_stored_one_row_per_replication_and_named_in_the_manifest(run_folder):
    table = pq.read_table(run_folder / "parameters.parquet").to_pandas()
    assert list(table["replication"]) == list(range(16))
    names = [c for c in table.columns if c != "replication"]
    assert names == sorted(p.name for p in uncertain_parameters())
    varying = sum(table[c].nunique() > 8 for c in names if not c.startswith("states.stages"))
    assert varying > 0.9 * len(names)
    manifest = json.loads((run_folder / "manifest.json").read_text())
    assert "parameters.parquet" in manifest["files"]
    assert manifest["uncertainty"]["mode"] == "parameters"
    assert manifest["uncertainty"]["file"] == "parameters.parquet"
    assert manifest["uncertainty"]["drawn"] == names


def test_scenario_and_hypothesis_are_dictionary_encoded(run_folder):
    schema = pq.read_table(run_folder / "results.parquet").schema
    for name in ("scenario", "hypothesis"):
        assert pa.types.is_dictionary(schema.field(name).type), name


def test_summary_has_effect_quantiles_and_p_better(run_folder):
    s = pd.read_csv(run_folder / "summary.csv")
    policies = s[s.scenario != "status_quo"]
    assert (policies.effect_p05 <= policies.effect_p50).all() and (policies.effect_p50 <= policies.effect_p95).all()
    directed = policies[policies.better.notna()]
    assert ((directed.p_better >= 0) & (directed.p_better + directed.p_same <= 1 + 1e-12)).all()
    assert policies[policies.better.isna()].p_better.isna().all()
    # the spread across futures is wider than the precision of the mean
    row = policies[(policies.scenario == "isolation") & (policies.outcome == "deaths_pakistan")].iloc[0]
    assert row.effect_p95 - row.effect_p05 > 2 * (row.diff_ci95_high - row.diff_ci95_low)


def test_comparison_leads_with_the_answer_and_matches_the_summary(run_folder):
    text = (run_folder / "comparison.txt").read_text()
    assert text.startswith("ANSWER")
    assert text.index("P(better)") < text.index("95% CI")
    s = pd.read_csv(run_folder / "summary.csv")
    p = s[(s.scenario == "recognition") & (s.outcome == "deaths_pakistan")].set_index("hypothesis").p_better
    row = next(line for line in text.splitlines() if line.startswith("Regional recognition cascade "))
    assert [float(x) for x in row.split()[-3:]] == pytest.approx(
        [round(p[h], 2) for h in p.index] + [round(p.min(), 2)]
    )


def test_report_links_only_figures_that_exist_and_has_every_section(run_folder):
    report = (run_folder / "report.md").read_text()
    for heading in (
        "## Question",
        "## Answer",
        "### Where the spread of each effect comes from",
        "### Material thresholds",
        "P(better)",
        "## Tables",
        "## Settings",
        "## What the model leaves out",
    ):
        assert heading in report
    assert report.index("**Bottom line.**") < report.index("### How often each policy does better at all")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", report)
    assert "effects_deaths_pakistan.png" in links and "fan_deaths_pakistan.png" in links
    for link in links:
        assert (run_folder / link).is_file(), link
    manifest = json.loads((run_folder / "manifest.json").read_text())
    assert set(links) <= set(manifest["files"]) and "report.md" in manifest["files"]


def test_report_command_rebuilds_the_run_s_own_files_byte_for_byte(run_folder, tmp_path):
    written = _outputs(run_folder)
    for png in run_folder.glob("*.png"):
        png.unlink()
    (run_folder / "summary.csv").unlink()
    (run_folder / "report.md").unlink()  # (one changed by hand would be the user's, and kept: tests/store/test_safety.py)
    result = run_sim("report", str(run_folder))
    assert result.returncode == 0, result.stderr
    assert _outputs(run_folder) == written
    again = run_sim("report", str(run_folder))
    assert again.returncode == 0 and _outputs(run_folder) == written


def test_the_api_script_redraws_the_headline_figure_exactly(run_folder, tmp_path):
    out = tmp_path / "headline.png"
    script = ROOT / "experiments" / "headline_figure.py"
    result = subprocess.run([sys.executable, str(script), str(run_folder), str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (run_folder / "effects_deaths_pakistan.png").read_bytes()


def test_figures_fit_a_screen(run_folder):
    import matplotlib.pyplot as plt

    for png in run_folder.glob("*.png"):
        height, width = plt.imread(png).shape[:2]
        assert height <= 1000 and width <= 1600, (png.name, width, height)


@pytest.mark.parametrize("kind", ["missing", "file", "foreign", "no_args", "damaged"])
def test_report_of_a_bad_folder_is_one_line_and_writes_nothing(tmp_path, kind):
    target = tmp_path / "x"
    if kind == "file":
        target.write_text("not a folder")
    if kind == "foreign":
        target.mkdir()
        (target / "notes.txt").write_text("keep")
    if kind == "damaged":
        target.mkdir()
        (target / "manifest.json").write_text(
            json.dumps(
                {
                    "experiment": "x",
                    "baseline": "a",
                    "cells": [["a", "b"]],
                    "months": 2,
                    "start": "2025-07",
                    "config": {},
                }
            )
        )
        (target / "results.parquet").write_bytes(b"not parquet")
    args = ["report"] if kind == "no_args" else ["report", str(target)]
    result = run_sim(*args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    if kind == "foreign":
        assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    if kind == "damaged":
        assert sorted(p.name for p in target.iterdir()) == ["manifest.json", "results.parquet"]


def test_one_replication_reports_n_a_for_intervals(tmp_path):
    out = tmp_path / "one"
    result = run_sim("experiment=smoke", "replications=1", "months=12", "figures=false", f"out_dir={out}")
    assert result.returncode == 0, result.stderr
    text = (out / "comparison.txt").read_text()
    assert "[n/a, n/a]" in text and "nan" not in text.lower().replace("n/a", "")
    assert "n/a to n/a" in (out / "report.md").read_text()


def test_fixed_parameters_write_no_parameter_file(tmp_path):
    out = tmp_path / "fixed"
    result = run_sim("experiment=smoke", "replications=3", "months=12", "uncertainty=none", f"out_dir={out}")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert not (out / "parameters.parquet").exists() and manifest["uncertainty"]["mode"] == "none"
    assert "assumption at its default" in (out / "report.md").read_text()


@pytest.mark.slow
def test_python_api_returns_results_with_parameters_and_writes_nothing(tmp_path, monkeypatch):
    import sim

    monkeypatch.chdir(tmp_path)
    frame = sim.run(["experiment=smoke", "uncertainty=parameters", "replications=4", "months=12"])
    assert list(tmp_path.iterdir()) == []
    assert len(frame) == 3 * 2 * 4 * 12
    assert list(frame["scenario"].cat.categories) == ["status_quo", "isolation", "recognition"]
    assert frame["month"].min() == 0 and frame["month"].max() == 11
    name = uncertain_parameters()[0].name
    # the drawn parameters are a table of their own, one row per replication, not columns of every month
    assert name not in frame.columns
    assert list(frame.parameters.index) == [0, 1, 2, 3] and frame.parameters[name].nunique() == 4

    written = sim.run(["experiment=smoke", "uncertainty=parameters", "replications=4", "months=12"], out_dir=tmp_path / "out")
    loaded = sim.load(tmp_path / "out")
    assert isinstance(loaded["hypothesis"].dtype, pd.CategoricalDtype)
    assert np.array_equal(loaded["deaths_pakistan"].to_numpy(), frame["deaths_pakistan"].to_numpy())
    assert np.array_equal(written.parameters[name].to_numpy(), frame.parameters[name].to_numpy())
    joined = sim.load(tmp_path / "out", parameters=True)
    assert name not in loaded.columns and name in joined.columns
    per_replication = joined.groupby("replication")[name].nunique()
    assert (per_replication == 1).all() and joined.groupby("replication")[name].first().nunique() == 4


def test_a_store_with_a_chunk_missing_is_refused_by_the_report_and_by_load(tmp_path):
    import sim
    from sim.store.reader import FolderError

    out = tmp_path / "holed"
    done = run_sim("experiment=smoke", "replications=40", "chunk_size=20", "figures=false", f"out_dir={out}")
    assert done.returncode == 0, done.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (out / "results.parquet" / "cell-002" / "chunk-0000020.parquet").unlink()
    refused = run_sim("report", str(out))
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"error: {out}: 1 of the 12 chunks manifest.json lists are missing from results.parquet "
        "(first: cell-002/chunk-0000020.parquet); rerun the experiment"
    ]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    with pytest.raises(FolderError, match="missing"):
        sim.load(out)


@pytest.mark.slow
def test_a_report_lists_the_dataset_once_not_once_per_cell(run_folder, tmp_path, monkeypatch):
    # on an object store every listing is a request per page: the report checks the chunks once, up front
    import shutil

    import sim.store.reader as folder_module
    from sim.report.build import build_report

    copy = tmp_path / "copy"
    shutil.copytree(run_folder, copy)
    checks = []
    checked = folder_module._check_chunks
    monkeypatch.setattr(folder_module, "_check_chunks", lambda *a: checks.append(a) or checked(*a))
    build_report(copy, figures=False)
    cells = len(json.loads((copy / "manifest.json").read_text())["cells"])
    assert cells >= 4 and 1 <= len(checks) <= 2


def test_a_run_without_figures_is_rebuilt_without_them_byte_for_byte(tmp_path):
    out = tmp_path / "plain"
    done = run_sim("experiment=smoke", "replications=16", "figures=false", f"out_dir={out}")
    assert done.returncode == 0, done.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert not any(name.endswith(".png") for name in before)
    rebuilt = run_sim("report", str(out))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


@pytest.mark.parametrize("where", ["results.parquet", "summaries.parquet"])
def test_a_copy_of_a_chunk_is_refused_by_load_and_report_not_counted_twice(run_folder, tmp_path, where):
    import shutil

    import sim
    from sim.store.reader import FolderError

    copy = tmp_path / "synced"
    shutil.copytree(run_folder, copy)
    rows = len(sim.load(copy))
    chunk = copy / where / "cell-000" / "chunk-0000000.parquet"
    # as a sync tool names the second copy of a file it found changed on two machines
    shutil.copy(chunk, chunk.with_name("chunk-0000000 (1).parquet"))
    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()}
    with pytest.raises(FolderError, match=re.escape("cell-000/chunk-0000000 (1).parquet")) as refused:
        sim.load(copy)
    assert str(copy) in str(refused.value) and "\n" not in str(refused.value)
    done = run_sim("report", str(copy))
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and "manifest.json does not list" in lines[0], done.stderr
    assert {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()} == before
    chunk.with_name("chunk-0000000 (1).parquet").unlink()
    assert len(sim.load(copy)) == rows == 3 * 2 * 16 * json.loads((copy / "manifest.json").read_text())["months"]


@pytest.mark.parametrize(
    "change",
    [
        {"months": "twelve"},
        {"cells": "status_quo"},
        {"start": 2025},
        {"baseline": "nobody"},
        {"scenarios": ["a list"]},
    ],
)
def test_a_tampered_manifest_is_one_line_naming_the_folder(run_folder, tmp_path, change):
    import shutil

    import sim
    from sim.store.reader import FolderError

    copy = tmp_path / "tampered"
    shutil.copytree(run_folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    (copy / "manifest.json").write_text(json.dumps({**manifest, **change}))
    with pytest.raises(FolderError, match=re.escape(str(copy))):
        sim.load(copy)
    done = run_sim("report", str(copy))
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and str(copy) in lines[0], done.stderr
    assert "damaged or was not written by this tool" in lines[0]


def test_a_received_config_is_read_without_resolving_interpolations(tmp_path, monkeypatch):
    from sim.store.reader import read_config

    monkeypatch.setenv("SIM_TEST_SECRET", "the reader's secret")
    (tmp_path / "config.yaml").write_text("experiment:\n  analysis:\n    note: ${oc.env:SIM_TEST_SECRET}\n")
    assert read_config(tmp_path)["experiment"]["analysis"]["note"] == "${oc.env:SIM_TEST_SECRET}"


def test_a_chunk_replaced_by_another_run_s_is_one_line_naming_the_folder(run_folder, tmp_path):
    import shutil

    import sim
    from sim.store.reader import FolderError

    other = tmp_path / "other"
    done = run_sim("experiment=smoke", "replications=20", "figures=false", f"out_dir={other}")
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "mixed"
    shutil.copytree(run_folder, copy)
    chunk = Path("results.parquet") / "cell-001" / "chunk-0000000.parquet"
    shutil.copy(other / chunk, copy / chunk)  # same name, listed, whole Parquet: 20 replications, not 16
    with pytest.raises(FolderError, match="manifest.json says") as refused:
        sim.load(copy)
    assert str(copy) in str(refused.value)
    done = run_sim("report", str(copy))
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and str(copy / chunk) in lines[0], done.stderr
    assert "manifest.json says" in lines[0]


def test_worldviews_with_identical_results_are_named_with_the_scenarios_they_share():
    import pandas as pd

    from sim.report.build import SAME_ANSWER, identical_worldviews

    def rows(h, values):
        return [{"scenario": s, "hypothesis": h, "outcome": "deaths_pakistan", **dict.fromkeys(SAME_ANSWER, v)}
                for s, v in values.items()]

    table = pd.DataFrame(
        rows("a", {"x": 1.0, "y": 2.0}) + rows("b", {"x": 1.0, "y": 2.0}) + rows("c", {"x": 1.0, "y": 3.0})
    )
    labels = {"a": "A", "b": "B", "c": "C", "x": "X", "y": "Y"}
    (line,) = identical_worldviews(table, ["deaths_pakistan"], ["a", "b", "c"], labels)
    assert "A and B give identical results under every scenario" in line, line
    assert "A and C under 1 of 2 scenarios (X)" in line and "B and C" not in line
    apart = table.assign(mean=table["mean"] + (table["hypothesis"] == "b") * 0.5)
    assert "every scenario" not in " ".join(identical_worldviews(apart, ["deaths_pakistan"], ["a", "b", "c"], labels))


def test_the_caveats_say_how_the_run_drew_its_parameters():
    from sim.report.build import caveats

    assert "without the history match" in caveats("parameters")[0]
    assert "that the record to July 2025 leaves" in caveats("matched")[0]
    assert "held each at its default" in caveats("none")[0]


def test_a_run_left_to_auto_is_described_by_the_draw_it_made():
    """uncertainty=auto resolves at run start; the report must describe the draw the run made, not the word typed."""
    from sim.report.build import drawn_mode

    typed_auto = {"config": {"uncertainty": "auto"}}
    assert drawn_mode({**typed_auto, "uncertainty": {"mode": "matched"}}) == "matched"
    assert drawn_mode({**typed_auto, "uncertainty": {"mode": "parameters"}}) == "parameters"


def test_a_policy_that_never_moves_an_outcome_has_no_worst_case_of_zero():
    """P(better) is 0.00 where nothing changes; the worst case must say the outcome does not move, not 0.00."""
    import pandas as pd

    from sim.report.build import _p_better_tables

    rows = [
        {"outcome": "girls_schools_open", "scenario": s, "hypothesis": h, "better": "higher", "p_better": 0.0,
         "p_same": same}
        for h in ("h1", "h2")
        for s, same in (("kinetic", 1.0), ("talks", 0.4))
    ]
    lines = _p_better_tables(pd.DataFrame(rows), ["girls_schools_open"], ["kinetic", "talks"], ["h1", "h2"], {})
    kinetic = next(line for line in lines if line.startswith("| kinetic"))
    talks = next(line for line in lines if line.startswith("| talks"))
    assert kinetic.endswith("| does not move | does not move |"), kinetic
    assert talks.endswith("| 0.00 | 0.00 |"), talks  # a policy that moves it and never helps: a real 0.00


def test_the_horizon_table_has_the_years_the_run_covers(tmp_path):
    out = tmp_path / "three"
    done = run_sim("experiment=smoke", "replications=6", "months=40", "figures=false", f"out_dir={out}")
    assert done.returncode == 0, done.stderr
    report = (out / "report.md").read_text()
    headers = [line for line in report.splitlines() if line.startswith("| | year")]
    assert headers and all(line == "| | year 1 | year 3 |" for line in headers), headers
    # the status quo's year-1 level of deaths: the median over futures of the first twelve months' total
    import sim

    frame = sim.load(out)
    first = frame[(frame.scenario == "status_quo") & (frame.month < 12)]
    totals = first.groupby(["hypothesis", "replication"], observed=True)["deaths_pakistan"].sum()
    section = report[report.index("### Deaths in Pakistan") :]
    level_row = next(line for line in section.splitlines() if line.startswith("| Status quo (level) |"))
    median = float(level_row.split("|")[2].split("[")[0].replace(",", ""))
    from sim.analysis.weights import folder_weights

    weights, _ = folder_weights(out, ["engagement_moderates", "legitimacy_emboldens"])
    per_future = totals.index.get_level_values("hypothesis").map(lambda h: weights[h] / 6).to_numpy(float)
    expected = np.quantile(totals.to_numpy(float), 0.5, weights=per_future, method="inverted_cdf")
    assert median == float(f"{expected:.3g}")


def _answer_tables(effect):
    """An answer about one outcome and one policy whose effect is ``effect`` deaths a year in every future."""
    from sim.analysis.effects import distribution_table, paired_effects
    from sim.report.answer import AnswerTables

    n = 40
    base = pd.DataFrame({"scenario": "base", "hypothesis": "h", "replication": np.arange(n),
                         "outcome": "deaths_pakistan", "value": np.linspace(2000, 3000, n)})
    values = pd.concat([base, base.assign(scenario="policy", value=base["value"] + np.asarray(effect))])
    effects = distribution_table(paired_effects(values, "base"), "effect", ["outcome", "scenario"], None)
    levels = distribution_table(base, "value", ["outcome", "scenario"], None)
    return AnswerTables(levels, effects, ["deaths_pakistan"], "base", ["policy"], ["h"],
                        {"base": "Status quo", "policy": "Talks", "h": "One"}, (2025, 7), 120)


def test_a_tiny_effect_is_no_material_change_in_the_bottom_line():
    from sim.report.answer import bottom_line, terminal_answer

    tiny = bottom_line(_answer_tables(-9.0), "deaths_pakistan")
    assert "Talks, under One: a change smaller than the material 100 deaths a year in most futures" in tiny
    assert "down by" not in tiny
    large = bottom_line(_answer_tables(-150.0), "deaths_pakistan")
    assert "Talks, under One: down by 150 (deaths a year, median) in most futures, a material improvement" in large
    text = terminal_answer(_answer_tables(-150.0))
    row = next(line for line in text.splitlines() if line.startswith("Deaths in Pakistan"))
    assert row.split()[-4:] == ["-150", "[-150,", "-150]", "1.00"]


def test_half_the_futures_is_not_most_of_them():
    from sim.report.answer import bottom_line

    half = bottom_line(_answer_tables(np.where(np.arange(40) < 20, -150.0, 0.0)), "deaths_pakistan")
    assert "Talks, under One: mixed" in half and "down by" not in half
