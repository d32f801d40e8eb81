"""The numbers in docs/ about what the model does are written from a run (sim/docs/findings.py), never by hand."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.docs.findings import (
    _NAMES,
    FINDINGS_DOC,
    FindingsError,
    fill_blocks,
    outputs,
    pages_with_blocks,
    record_sources_markdown,
    render,
    run_all,
)

ROOT = Path(__file__).resolve().parents[2]


def run_sim(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_a_block_is_filled_and_the_prose_around_it_kept():
    text = "Before.\n<!-- generated: a -->\nold 33%\n<!-- end generated -->\nAfter 1,000 replications.\n"
    filled = fill_blocks(text, {"a": "new 71%\n"}, "page.md")
    assert filled == "Before.\n<!-- generated: a -->\nnew 71%\n<!-- end generated -->\nAfter 1,000 replications.\n"


def test_the_record_sources_table_is_written_from_the_record_entries():
    entries = [
        {"id": "a", "outcome": "attacks_pakistan", "kind": "total", "when": ["2023-01", "2023-12"],
         "range": [650, 650], "at_least": True, "source": "PICSS"},
        {"id": "b", "outcome": "aid_delivered", "kind": "ratio", "when": ["2022-01", "2022-12"],
         "over": ["2024-01", "2024-12"], "range": [1.7, 2.8], "sure": False, "source": "FTS"},
        {"id": "c", "outcome": "relation_uae", "kind": "date", "threshold": 3, "range": ["2024-08", "2024-08"],
         "source": "UAE"},
    ]
    rows = record_sources_markdown(entries)[2:]
    assert rows == [
        "| a | attacks_pakistan (total 2023-01..2023-12) | at least 650 | PICSS | yes |",
        "| b | aid_delivered (ratio 2022-01..2022-12 / 2024-01..2024-12) | 1.7 to 2.8 | FTS | no, range widened |",
        "| c | relation_uae (date ≥ 3) | 2024-08 | UAE | yes |",
    ]


def test_a_block_in_a_list_item_keeps_its_indentation():
    text = "- item:\n  <!-- generated: a -->\n  <!-- end generated -->\n"
    filled = fill_blocks(text, {"a": "one\ntwo\n"}, "page.md")
    assert filled == "- item:\n  <!-- generated: a -->\n  one\n  two\n  <!-- end generated -->\n"


@pytest.mark.parametrize(
    "text, message",
    [
        ("<!-- generated: nowhere -->\nx\n<!-- end generated -->\n", "no generated block is called 'nowhere'"),
        ("<!-- generated: a -->\nx\n", "has no '<!-- end generated -->'"),
    ],
)
def test_a_broken_block_is_refused(text, message):
    with pytest.raises(FindingsError, match=re.escape(message)):
        fill_blocks(text, {"a": "y\n"}, "page.md")


def test_every_block_in_the_docs_is_one_the_generator_writes():
    pages = pages_with_blocks()
    assert {p.name for p in pages} >= {"ODD.md", "calibration.md"}
    for page in pages:
        fill_blocks(page.read_text(encoding="utf-8"), _NAMES, page.name)  # raises on an unknown or open block


def test_the_numbers_the_docs_were_found_to_contradict_are_gone():
    # these were typed by hand and contradicted the model's own runs
    for page, phrase in (
        ("ODD.md", "about six on average"),
        ("ODD.md", "60-64%"),
        ("ODD.md", "need rises to about 26 million"),
        ("calibration.md", "13 of 47 records"),
        ("calibration.md", "27 of 35"),
    ):
        assert phrase not in (ROOT / "docs" / page).read_text(encoding="utf-8"), (page, phrase)


def test_an_unknown_option_is_one_line_and_writes_nothing():
    before = {p: p.stat().st_mtime_ns for p in [FINDINGS_DOC, *pages_with_blocks()]}
    result = run_sim("findings", "--replications=5")
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "--check" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert {p: p.stat().st_mtime_ns for p in before} == before


@pytest.mark.slow
def test_findings_are_fresh():
    """docs/findings.md and every generated block match a rerun of the fixed experiments."""
    findings = render(run_all())
    assert set(findings.blocks) == set(_NAMES)  # the names checked before the run are the ones written
    stale = [
        str(path.relative_to(ROOT))
        for path, text in outputs(findings).items()
        if path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"stale: {', '.join(stale)}; run 'python -m sim findings'"
