"""The seed index matches the texts, and the rulebook in docs/ matches the code."""

import re
from collections import defaultdict
from pathlib import Path

import pytest

from sim.docs.rulebook import RULEBOOK, render
from sim.model.cards import read_card
from sim.model.rules import RULES
from sim.model.sources import parse_citation, seed_index

ROOT = Path(__file__).resolve().parents[2]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the seed texts are not beside this checkout")
def test_seed_index_counts_the_paragraphs_of_the_texts():
    for key, seed in seed_index().items():
        text = (SHARED_SEEDS / seed.file).read_text(encoding="utf-8")
        paragraphs = [line for line in text.splitlines() if line.strip()]
        assert len(paragraphs) == seed.paragraphs, key


def test_rulebook_is_up_to_date():
    assert RULEBOOK.read_text(encoding="utf-8") == render(), "run 'make rules' and commit docs/rules.md"


# --- coverage: rules, texts and source cards agree -------------------------------------------------------------


def rules_citing():
    cited = defaultdict(set)
    for r in RULES.values():
        for citation in r.sources:
            for ref in parse_citation(citation):
                cited[ref].add(r.id)
    return cited


@pytest.mark.parametrize("key", sorted(seed_index()))
def test_card_covers_exactly_the_paragraphs_of_its_text(key):
    card = read_card(key)
    assert sorted(card) == list(range(1, seed_index()[key].paragraphs + 1))


@pytest.mark.parametrize("key", sorted(seed_index()))
def test_every_claim_paragraph_is_used_by_a_rule_or_set_aside(key):
    cited = rules_citing()
    for number, par in read_card(key).items():
        used = cited.get((key, number), set())
        assert bool(par.rules) != bool(par.set_aside), f"seed {key} ¶{number}: give either Rules: or Set aside:"
        if used:
            assert par.rules, f"seed {key} ¶{number} is cited by {sorted(used)} but its card sets it aside"
        elif number not in seed_index()[key].not_claims:
            assert par.set_aside, f"seed {key} ¶{number} is used by no rule and its card gives no reason"
        unknown = set(par.rules) - used
        assert not unknown, f"seed {key} ¶{number}: card lists rules that do not cite it: {sorted(unknown)}"
        missing = used - set(par.rules)
        assert not missing, f"seed {key} ¶{number}: card omits rules that cite it: {sorted(missing)}"


@pytest.mark.parametrize("key", sorted(seed_index()))
def test_each_text_grounds_at_least_three_rules(key):
    grounded = {r for (k, _), rules in rules_citing().items() if k == key for r in rules}
    assert len(grounded) >= 3, key


def _words(text):
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


PROJECT_TEXT = [
    p
    for pattern in ("*.md", "*.yaml", "*.py")
    for p in ROOT.rglob(pattern)
    if not any(part.startswith(".") or part in ("results", "outputs") for part in p.relative_to(ROOT).parts)
]


def test_no_project_file_copies_a_sentence_of_the_texts():
    """The project paraphrases: no run of nine consecutive words of a text appears in any project file."""
    if not SHARED_SEEDS.is_dir():
        pytest.skip("the seed texts are not beside this checkout")
    grams = set()
    for seed in seed_index().values():
        source = _words((SHARED_SEEDS / seed.file).read_text(encoding="utf-8"))
        grams |= {tuple(source[i : i + 9]) for i in range(len(source) - 8)}
    assert len(PROJECT_TEXT) > 20
    for path in PROJECT_TEXT:
        words = _words(path.read_text(encoding="utf-8"))
        copied = [words[i : i + 9] for i in range(len(words) - 8) if tuple(words[i : i + 9]) in grams]
        assert not copied, f"{path.relative_to(ROOT)} repeats a text: {' '.join(copied[0])}"
