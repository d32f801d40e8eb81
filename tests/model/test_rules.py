"""Rules carry their sources: every rule and parameter cites existing paragraphs or says it is an assumption."""

import numpy as np
import pytest

from sim.model.ensemble import run_cell
from sim.model.rules import MECHANISMS, PARAMS, RULES, Param, rule, trace_rules
from sim.model.sources import CitationError, parse_citation, seed_index


def test_every_rule_cites_existing_paragraphs():
    assert len(RULES) >= 40
    for r in RULES.values():
        assert r.sources, r.id
        for citation in r.sources:
            for key, par in parse_citation(citation):
                assert 1 <= par <= seed_index()[key].paragraphs


def test_every_number_belongs_to_a_rule_or_weighs_one():
    """A parameter no rule declares is a number nothing reads; a weight names a mechanism or an extension rule.

    (Param itself refuses a default outside its range and a number without provenance, at import.)"""
    declared = {p.name for r in RULES.values() for p in r.params}
    weights = {name for name in PARAMS if name.startswith(("mechanism.", "extension."))}
    assert set(PARAMS) - declared - weights == set()
    for name in weights:
        kind, _, target = name.partition(".")
        if kind == "mechanism":
            assert target in MECHANISMS, name
        else:
            assert target in RULES and RULES[target].basis == "extension", name


@pytest.mark.parametrize(
    "bad", ["seed 003 ¶11", "seed 007 ¶1", "seed 3 ¶1", "003 ¶1", "seed 002 ¶0", "seed 002 ¶12-14"]
)
def test_broken_citations_are_rejected(bad):
    with pytest.raises(CitationError):
        parse_citation(bad)


def test_a_rule_with_a_broken_or_missing_citation_cannot_be_registered():
    with pytest.raises(CitationError):
        rule("test.broken", statement="x", sources=("seed 001 ¶9",))(lambda ctx: 0)
    with pytest.raises(ValueError, match="cites no seed"):
        rule("test.uncited", statement="x", sources=())(lambda ctx: 0)
    assert "test.broken" not in RULES and "test.uncited" not in RULES


def test_a_number_without_provenance_is_refused():
    with pytest.raises(ValueError, match="sources"):
        Param("x.y", 1.0, 0.0, 2.0, "meaning")
    with pytest.raises(CitationError):
        Param("x.y", 1.0, 0.0, 2.0, "meaning", sources=("seed 000 ¶4",))
    with pytest.raises(ValueError, match="outside"):
        Param("x.y", 3.0, 0.0, 2.0, "meaning", assumption="a guess")


def test_every_registered_rule_is_used_by_the_model(all_cells):
    with trace_rules() as called:
        for cell in all_cells:
            run_cell(cell.setup, 4)
    assert set(RULES) - called == set()


def test_citation_ranges_expand():
    assert parse_citation("seed 002 ¶10-12") == [("002", 10), ("002", 11), ("002", 12)]
    assert parse_citation("seed 001 ¶4–5") == [("001", 4), ("001", 5)]


def test_mechanism_weight_zero_silences_a_rule(all_cells):
    from tests.conftest import setup_of

    setup = setup_of(all_cells, "recognition", "engagement_moderates")
    params = dict(setup.params)
    params["mechanism.engagement_moderates"] = np.zeros(3)
    from sim.model.model import Setup

    off = run_cell(Setup(**{**setup.__dict__, "params": params}), 3)
    params["mechanism.engagement_moderates"] = np.ones(3)
    on = run_cell(Setup(**{**setup.__dict__, "params": params}), 3)
    assert not np.array_equal(off, on)
