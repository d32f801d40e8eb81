"""The report phase of a run shows its progress, and the bar stays on screen with the time it took."""

import re

import pytest

from sim.config.plan import plan
from sim.report.build import build_report
from sim.run.experiment import run_plan


@pytest.mark.slow
def test_the_report_bar_stays_with_its_total_time(tmp_path, capsys):
    p = plan(["experiment=smoke", "replications=3", "months=6", "figures=true", f"out_dir={tmp_path / 'run'}"])
    run_plan(p, build_report, progress=True, figures=True)
    err = capsys.readouterr().err
    # tqdm redraws a line after a carriage return: the last drawing of the report's bar is what stays
    drawn = [piece for piece in re.split(r"[\r\n]", err) if piece.startswith("report")]
    assert drawn, err
    final = drawn[-1]
    assert final.startswith("report written: 100%") and re.search(r"(\d+)/\1 pieces of work \[\d\d:\d\d\]", final)
    # left on screen: the line ends with a newline, not cleared as the chunks' bar is
    assert final + "\n" in err
