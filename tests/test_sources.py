"""The seed index matches the texts, and the rulebook in docs/ matches the code."""

from pathlib import Path

import pytest

from sim.rulebook import RULEBOOK, render
from sim.sources import seed_index

SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the seed texts are not beside this checkout")
def test_seed_index_counts_the_paragraphs_of_the_texts():
    for key, seed in seed_index().items():
        text = (SHARED_SEEDS / seed.file).read_text(encoding="utf-8")
        paragraphs = [line for line in text.splitlines() if line.strip()]
        assert len(paragraphs) == seed.paragraphs, key


def test_rulebook_is_up_to_date():
    assert RULEBOOK.read_text(encoding="utf-8") == render(), "run 'make rules' and commit docs/rules.md"
