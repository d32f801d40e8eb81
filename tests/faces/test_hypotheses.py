"""The hypotheses hold their texts' links only, and docs/hypotheses.md marks every cell from the rules' metadata.

No test requires a view to answer a policy differently from the shared core: where a view's texts are silent the
view answers with the shared core, and docs/hypotheses.md says so and why.
"""

import re

import numpy as np
import pytest
import yaml

from sim.docs.worldviews import (
    HYPOTHESES_DOC,
    HYPOTHESIS_DIR,
    POLICIES,
    VIEWS,
    cell_basis,
    cell_links,
    consistency_problems,
    render_hypotheses,
)
from sim.model.rules import MECHANISMS, PARAMS, RULES, Rule, extension_param, mechanism_param
from sim.model.sampling import draw_parameters


def test_hypotheses_doc_is_generated_from_the_rules():
    assert HYPOTHESES_DOC.read_text(encoding="utf-8") == render_hypotheses(), (
        "run 'python -m sim hypotheses' and commit docs/hypotheses.md"
    )


def test_channel_table_covers_every_view_bound_rule():
    assert consistency_problems() == []


def test_every_cell_is_marked_text_or_shared_core():
    table = render_hypotheses().split("## How each view answers each policy", 1)[1].split("Cells per view", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and line.split(" | ")[0][2:] in POLICIES]
    assert [r.split(" | ")[0][2:] for r in rows] == list(POLICIES)
    for row in rows:
        cells = row.strip("| ").split(" | ")[1:]
        assert len(cells) == len(VIEWS)
        for cell in cells:
            assert cell.startswith(("**text**: `", "**shared core**: ")), cell
            if cell.startswith("**text**"):
                assert re.search(r"seed \d{3} ¶\d", cell), cell


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("policy", POLICIES)
def test_a_text_cell_rests_on_rules_whose_basis_is_text_under_that_view(policy, view):
    links = cell_links(policy, view)
    for rule_id in links["text"]:
        assert RULES[rule_id].basis_for(view) == "text"
    for rule_id in links["extension"]:
        assert RULES[rule_id].basis_for(view) == "extension"
    assert cell_basis(policy, view) == ("text" if links["text"] else "shared")


def test_each_hypothesis_switches_on_its_own_mechanism_alone():
    seen = set()
    for path in sorted(HYPOTHESIS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        on = {m for m, w in data["mechanisms"].items() if w}
        assert on == {data["name"]}, path.name
        assert not data.get("params"), f"{path.name} switches parameters or extensions on by default"
        seen |= on
    assert seen == set(MECHANISMS)


def test_extension_weights_are_never_drawn_as_uncertain_numbers():
    drawn = draw_parameters(1, range(4))
    assert not [name for name in drawn if name.startswith(("extension.", "mechanism."))]
    extensions = [name for name in PARAMS if name.startswith("extension.")]
    assert len(extensions) >= 7
    assert all(PARAMS[name].default == 0.0 for name in extensions)


def _rule(mechanism, basis):
    return Rule("test.mixed", "test", "x", ("seed 002 ¶8",), (), mechanism, lambda ctx: 1.0, basis)


def test_a_rule_text_for_one_view_and_an_extension_for_another_weighs_each():
    r = _rule(("legitimacy_emboldens", "engagement_moderates"), {"legitimacy_emboldens": "text",
                                                                  "engagement_moderates": "extension"})
    p = {mechanism_param(m): 0.0 for m in MECHANISMS} | {extension_param(r.id): 0.0}
    assert r.weight({**p, mechanism_param("legitimacy_emboldens"): 1.0}) == 1.0
    assert r.weight({**p, mechanism_param("engagement_moderates"): 1.0}) == 0.0
    on = {**p, mechanism_param("engagement_moderates"): 1.0, extension_param(r.id): np.array([0.0, 0.5, 1.0])}
    assert list(r.weight(on)) == [0.0, 0.5, 1.0]
    assert r.basis_for("conditional_leverage") == "off"


def test_a_rule_states_a_known_basis():
    from sim.model.rules import rule

    with pytest.raises(ValueError, match="basis"):
        rule("test.badbasis", statement="x", sources=("seed 002 ¶8",), basis="text")(lambda ctx: 0)
    with pytest.raises(ValueError, match="basis"):
        rule(
            "test.badbasis", statement="x", sources=("seed 002 ¶8",), mechanism="legitimacy_emboldens", basis="shared"
        )(lambda ctx: 0)
    with pytest.raises(ValueError, match="basis per mechanism"):
        rule(
            "test.badbasis",
            statement="x",
            sources=("seed 002 ¶8",),
            mechanism=("legitimacy_emboldens", "engagement_moderates"),
            basis={"legitimacy_emboldens": "text"},
        )(lambda ctx: 0)
    assert "test.badbasis" not in RULES


def test_every_rule_states_its_basis_in_the_rulebook():
    from sim.docs.rulebook import render

    book = render()
    for r in RULES.values():
        section = book.split(f"### `{r.id}`", 1)[1].split("\n### ", 1)[0]
        assert "- basis: " in section, r.id
        if r.extension_weight:
            assert r.extension_weight in section, r.id


@pytest.mark.parametrize("argv", [[], ["nonsense"], ["hypotheses", "--force"], ["directions", "extra"]])
def test_bad_commands_are_refused_in_one_line_and_write_nothing(argv, capsys):
    from sim.docs.worldviews import main

    before = HYPOTHESES_DOC.stat().st_mtime_ns
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert HYPOTHESES_DOC.stat().st_mtime_ns == before
