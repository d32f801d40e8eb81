"""The four worldviews from their texts: which links each view holds, and what the model then answers.

Two generated documents come from here, never edited by hand:

- ``docs/hypotheses.md`` (``python -m sim hypotheses``): for every policy and view, the links the policy acts
  through under that view, each marked text (with its paragraphs), shared core, or extension, read from the
  rules' metadata (``sim/model/rules.py``) and the channel table below;
- ``docs/directions.md`` (``python -m sim directions``): the end-to-end directions the model gives,
  with their probabilities over sampled parameters, and each claim a text makes set beside them. A claim the model does not
  reproduce is a finding, not a requirement.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

import sim.model.actors  # noqa: F401  (importing the actors registers their rules)
from sim.model.rules import MECHANISM_SOURCES, MECHANISMS, RULES

ROOT = Path(__file__).resolve().parents[2]
HYPOTHESES_DOC = ROOT / "docs" / "hypotheses.md"
DIRECTIONS_DOC = ROOT / "docs" / "directions.md"
HYPOTHESIS_DIR = ROOT / "configs" / "hypothesis"

VIEWS = tuple(MECHANISMS)
POLICIES = (
    "isolation",
    "recognition",
    "conditional_recognition",
    "us_normalisation",
    "us_hard_line",
    "joint_ct_front",
    "pakistan_kinetic",
)

# Every view-bound rule: the policies whose answer under its views runs directly through it, and how.
CHANNELS: dict[str, tuple[tuple[str, ...], str]] = {
    "taliban.engagement_strengthens_pragmatists": (
        tuple(x for x in POLICIES if x != "joint_ct_front"),  # the front moves no state's rung of its own
        "a US step or a recognition since mid-2025 strengthens the pragmatists; a policy that "
        "holds a state back forgoes the contact the status quo would bring",
    ),
    "taliban.siege_hardens": (("isolation",), "louder condemnation stiffens the hard-liners"),
    "taliban.ct_cooperation_helps": (
        ("recognition", "conditional_recognition", "us_normalisation"),
        "partners share intelligence (a US presence, `united_states.shares_intelligence`; Russia's and China's "
        "cooperation as their ties grow): more effort against ISKP",
    ),
    "taliban.pragmatists_restrain_militants": (
        ("isolation", "recognition", "us_normalisation", "us_hard_line"),
        "stronger pragmatists restrain the TTP",
    ),
    "taliban.legitimacy_entrenches_hardliners": (
        ("isolation", "recognition", "conditional_recognition", "us_normalisation", "us_hard_line", "pakistan_kinetic"),
        "legitimacy given without conditions above mid-2025 entrenches the hard core; a policy that holds a state "
        "back, or ties its recognition to benchmarks, forestalls the legitimacy the status quo would confer",
    ),
    "taliban.legitimacy_widens_sanctuary": (
        tuple(x for x in POLICIES if x != "joint_ct_front"),  # the front confers no legitimacy of its own
        "legitimacy given without conditions above mid-2025 widens the sanctuary; "
        "a policy that holds a state back forestalls the legitimacy the status quo would confer",
    ),
    "taliban.accountability_restrains_sanctuary": (
        ("conditional_recognition",),
        "an offer against commitments on terrorism narrows the sanctuary",
    ),
    "taliban.front_as_accountability": (("joint_ct_front",), "the front counts as unity behind principles"),
    "taliban.talks_lend_legitimacy": (("joint_ct_front",), "talks with Kandahar without conditions widen the sanctuary"),
    "taliban.front_demand_weighed": (("joint_ct_front",), "Kabul weighs the front's demand like an offer"),
    "taliban.benchmarks_empower_reformers": (
        ("conditional_recognition",),
        "an offer against benchmarks gives the reformers an argument",
    ),
    "taliban.weighs_offer_against_ideology": (
        ("conditional_recognition",),
        "Kabul weighs what is on the table against its ideological cost",
    ),
    "taliban.regional_contact_counts": (
        tuple(x for x in POLICIES if x not in ("us_normalisation", "joint_ct_front")),
        "other states' contact short of recognition counts as engagement",
    ),
    "taliban.recognition_builds_trust": (
        ("recognition", "conditional_recognition"),
        "any state's recognition builds the trust cooperation against ISKP needs",
    ),
    "taliban.talks_carry_offer": (("conditional_recognition",), "talks with Kandahar carry the offer to who decides"),
    "taliban.talks_count_as_engagement": (("joint_ct_front",), "Pakistan's talks with Kandahar count as contact"),
    "taliban.schools_for_recognition": (("conditional_recognition",), "schools may reopen as the price of recognition"),
    "taliban.counterterrorism_benchmark": (
        ("conditional_recognition",),
        "the TTP is restrained to meet the sanctuary benchmark",
    ),
    "taliban.benchmarked_cooperation": (
        ("conditional_recognition",),
        "counter-terrorism cooperation comes as a benchmark met",
    ),
    "taliban.free_upgrades_spend_leverage": (
        ("recognition", "us_normalisation"),
        "free recognition spends the leverage",
    ),
    "taliban.trades_equipment_for_aid": (("us_hard_line",), "the equipment may come back for aid"),
    "taliban.regional_bargain_moves_ttp": (
        ("joint_ct_front",),
        "talks with Kandahar and the neighbours' united message move the TTP from the border",
    ),
    "taliban.neighbours_leverage": (
        ("isolation", "recognition", "conditional_recognition", "us_normalisation", "us_hard_line"),
        "Kabul's dependence on its neighbours weighs their demands",
    ),
    "taliban.front_fights_iskp": (("joint_ct_front",), "the front presses Kabul against ISKP"),
    "population.regional_trade_eases_need": (
        ("isolation", "recognition", "conditional_recognition", "pakistan_kinetic"),
        "regional ties ease need",
    ),
}

# View-bound rules no policy reaches directly: they carry a change the view's other links make.
CARRIERS: dict[str, str] = {
    "iskp.exploits_wider_sanctuary": "a sanctuary widened above mid-2025 gives ISKP room too",
    "iskp.narrower_sanctuary_confines": "a sanctuary narrowed below mid-2025 confines ISKP too",
    "population.misrule_deepens_need": "every change in the hard core's hold moves humanitarian need",
    "ttp.drug_money_recruits": "a larger drug trade funds recruitment",
}

# The shared core's main links for each policy: the same under every view.
SHARED: dict[str, tuple[str, ...]] = {
    "isolation": (
        "international.sanctions_follow_rights_and_recognition",
        "population.sanctions_deepen_need",
        "international.aid_delivery",
        "states.relation_ladder",
        "ttp.hardship_feeds_recruitment",
    ),
    "recognition": (
        "states.relation_ladder",
        "states.peers_follow",
        "international.recognised_counterpart_helps_aid",
        "population.sanctions_deepen_need",
        "ttp.hardship_feeds_recruitment",
    ),
    "conditional_recognition": ("states.makes_conditional_offer", "states.benchmarks_met", "states.relation_ladder"),
    "us_normalisation": ("states.relation_ladder",),
    "us_hard_line": ("taliban.keeps_us_equipment", "resistance.grows_with_backing", "international.aid_delivery"),
    "joint_ct_front": ("pakistan.convenes_joint_front", "pakistan.engages_kandahar"),
    "pakistan_kinetic": (
        "pakistan.strikes_across_border",
        "ttp.strikes_feed_recruitment",
        "taliban.strikes_provoke_retaliation",
        "pakistan.border_clash",
    ),
}

SILENT = "the view's texts are silent on this policy"
# Why a view adds no link of its own to a policy, where its texts speak of the policy (else: SILENT)
NO_LINK_OF_ITS_OWN: dict[tuple[str, str], str] = {
    ("conditional_leverage", "isolation"): "seed 000 ¶2-3: isolation brought no peace and the Taliban will not change "
    "under siege, so the view adds nothing to what the shared core does",
    ("conditional_leverage", "recognition"): "its texts disagree on recognition without strings (seed 000 ¶3 welcomes "
    "Russia's; seed 002 ¶10-12 warns against rewards without commitments), so the view states no effect",
    ("conditional_leverage", "us_normalisation"): "seed 000 ¶3: engagement short of recognition brought no "
    "counter-terrorism cooperation, so the view adds nothing",
    ("regional_security_bargain", "isolation"): "seed 001 ¶1-2: Kabul seeks regional ties to counter isolation and "
    "succeeds at diversifying its partners; no effect on the TTP is stated",
    ("regional_security_bargain", "us_hard_line"): "seed 004 ¶1-2 report the US tying aid to the equipment's return "
    "and no sign of compliance; no effect on the TTP is stated",
    ("regional_security_bargain", "pakistan_kinetic"): "seed 001 ¶3: the kinetic approach failed; no text disputes "
    "it, so it is the shared core's (strike recruitment and retaliation), not this view's alone",
    ("conditional_leverage", "pakistan_kinetic"): "seed 000 never judges strikes; the failure seed 001 ¶3 reports "
    "is the shared core's",
    ("engagement_moderates", "pakistan_kinetic"): "seed 003 never judges strikes: the link acts only through the "
    "contact Pakistan forgoes; the failure seed 001 ¶3 reports is the shared core's",
    ("engagement_moderates", "joint_ct_front"): "seed 003 argues for regular contact by the US (¶1-2) and never "
    "speaks of Pakistan's talks or a regional front; that the talks count as such contact is an extension",
    ("engagement_moderates", "us_hard_line"): "seed 003 ¶7 reports the hard line under consideration without "
    "judging it: the link acts only through the contact the US forgoes; the civil war seed 003 ¶5 fears is the "
    "shared core's",
    ("legitimacy_emboldens", "pakistan_kinetic"): "seed 002 never speaks of strikes, which are not accountability "
    "here: the links act only through the legitimacy Pakistan forgoes",
    ("legitimacy_emboldens", "isolation"): "seed 002 ¶8 asks states not to form new ties: isolation forestalls the "
    "legitimacy the status quo would confer; legitimacy withheld below mid-2025 is not read as restraint, as ¶7 "
    "reports that outside urging brought no change",
    ("legitimacy_emboldens", "us_hard_line"): "seed 002 never speaks of US coercion or the equipment: the links act "
    "only through the legitimacy the US forgoes",
}


# What each view's texts say, and leave unsaid, in the words of the theses (re-read against the paragraphs).
THESES = {
    "engagement_moderates": (
        "Isolation has failed (seed 003 ¶1, seed 000 ¶2-3) and the movement is ideological: reform will come from a "
        "shift of power inside its leadership, not from outside pressure (seed 003 ¶2). Regular contact, a US "
        "presence above all, can strengthen the leaders open to dialogue (seed 003 ¶1-2, ¶4), build the trust that "
        "counter-terrorism cooperation against ISKP needs and let aid be delivered better (seed 003 ¶3). Overt "
        "condemnation has stiffened resistance (seed 003 ¶4). Seed 003 never names the TTP and never judges "
        "strikes; whether stronger pragmatists would restrain the TTP is left to an extension, off by default."
    ),
    "legitimacy_emboldens": (
        "Recognition and upgrades given without commitments amount to approval of a regime that has not reformed "
        "(seed 002 ¶2, ¶6-7; that they also tilt the factions towards the hard core is an extension, off by default, "
        "since the text never names factions), shelters the TTP, IMU, ISKP and al-Qaeda (seed 002 ¶4) and will let Afghanistan "
        "become a new sanctuary for terrorism (seed 002 ¶10). Engagement should follow principles: commitments on terrorism "
        "and rights before rewards, backed by a common front (seed 002 ¶10-12); the text states no effect of the "
        "offer itself, so an offer narrowing the sanctuary is an extension, off by default: recognition tied to "
        "commitments acts here only by withholding the legitimacy that widens it. Misrule and economic breakdown feed "
        "the humanitarian emergency and militant recruitment (seed 002 ¶8); the text never says how misrule "
        "changes, so need moving with the factions' balance is an extension, off by default, and so is a narrower "
        "sanctuary confining ISKP (¶10 speaks only of it widening). Seed 002 never speaks of strikes, "
        "sanctions or condemnation as accountability: none of them restrains the sanctuary under this view."
    ),
    "conditional_leverage": (
        "Recognition is a tool: tied to clear benchmarks (girls' education, some human rights; for Pakistan, no TTP "
        "hosting) and "
        "backed by the region, it can bring the regime to talks and win pledges on human rights, "
        "security and governance, leaving some room for movement (seed 000 ¶3, seed 002 ¶10-12); seed 000 ¶3 names "
        "women's education among the strings and, for Pakistan, an end to hosting the TTP, which the view reads as "
        "Pakistan's benchmark alone: only Pakistan's offer buys restraint of the TTP. That Kabul moves further the "
        "larger the offer and the weaker the hard core's hold is the model's form of that link (seed 003 ¶2: reform "
        "comes from a shift inside the leadership); that the offer also strengthens the reformers, or brings effort "
        "against ISKP, is an extension, off by default. Siege changes nothing and "
        "isolation brought no peace (seed 000 ¶2-3). On recognition given without strings the view's texts "
        "disagree: seed 000 ¶3 welcomes Russia's as a possible new chapter, seed 002 ¶10-12 warns it rewards "
        "repression; the view states no effect of it (that it spends the leverage is an extension, off by default)."
    ),
    "regional_security_bargain": (
        "The TTP threat operates from Afghan soil and Islamabad's mix of limited engagement and strikes has failed "
        "(seed 001 ¶3). Direct talks with the Kandahar leadership can move the TTP from the border, as the 2023 edict "
        "showed in part (seed 001 ¶4), and a united message from China, Russia and Iran with Pakistan can press Kabul "
        "(seed 001 ¶5, seed 004 ¶5). The texts report the US demand over left-behind equipment but no sign of "
        "compliance (seed 004 ¶1-2); they do not say the demand moves the TTP. Kabul's success at diversifying its "
        "partners (seed 001 ¶2) is not turned into a dependence the neighbours could use: that is an extension, off "
        "by default."
    ),
}


def _rule_link(rule_id: str) -> str:
    return f"`{rule_id}` ({'; '.join(RULES[rule_id].sources)})"


def _labels() -> dict[str, str]:
    labels = {}
    for path in sorted(HYPOTHESIS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for m in data.get("mechanisms") or {}:
            labels[m] = data.get("label", path.stem)
    return {v: labels.get(v, v) for v in VIEWS}


def cell_links(policy: str, view: str) -> dict[str, list[str]]:
    """The view-bound rules a policy acts through under a view, by basis ('text' or 'extension')."""
    found = {"text": [], "extension": []}
    for rule_id, (policies, _) in CHANNELS.items():
        if policy in policies:
            basis = RULES[rule_id].basis_for(view)
            if basis in found:
                found[basis].append(rule_id)
    return found


def cell_basis(policy: str, view: str) -> str:
    """'text' if a text of the view states a link the policy acts through, else 'shared' (the shared core alone)."""
    return "text" if cell_links(policy, view)["text"] else "shared"


def render_hypotheses() -> str:
    labels = _labels()
    out = [
        "# The four hypotheses: worldviews from their texts",
        "",
        "Generated by `python -m sim hypotheses` from the rules' metadata (`sim/model/rules.py`) and the",
        "channel table in `sim/docs/worldviews.py`; do not edit by hand. The rulebook (`docs/rules.md`) gives every rule's statement.",
        "",
        "The five texts disagree about cause and effect. The model holds four readings of them side by side, each a",
        "hypothesis (`configs/hypothesis/*.yaml`) that switches on one mechanism. A view holds the links its texts",
        "state (**text**). Where its texts are silent it takes the **shared core**: links common to every view, each",
        "backed by the record or by a text no other text disputes. A view never gets a link invented to fill a",
        "cell: the links no text of a view states are **extensions**, each with its own weight",
        "(`extension.<rule id>`), 0 by default, so off unless a user switches it on",
        "(`+hypothesis.params.extension.<rule id>=1` with `hypothesis=NAME`). Columns agree where the texts agree",
        "or are silent.",
        "",
        "What the model answers, with what probability, and which claims of the texts it does not reproduce, is",
        "reported in `docs/directions.md`: directions are findings, not requirements.",
        "",
        "## The views and their texts",
        "",
    ]
    for v in VIEWS:
        out += [f"### {labels[v]} (`{v}`)", "", THESES[v], "", f"Texts: {'; '.join(MECHANISM_SOURCES[v])}.", ""]
        ext = [r for r in RULES.values() if r.mechanisms and r.basis_for(v) == "extension"]
        if ext:
            out.append("Extensions of this view (off by default): " + ", ".join(f"`{r.id}`" for r in ext) + ".")
            out.append("")
    out += [
        "## How each view answers each policy",
        "",
        "Each cell names the links the policy acts through under the view beyond the shared core, and their basis:",
        "**text** with the rule and its paragraphs, or **shared core** where the view's texts are silent on the",
        "policy (the view then answers with the shared core alone, as every other view does). Extensions a user",
        "may switch on are listed after them, marked *extension (off)*.",
        "",
        "| policy | " + " | ".join(labels[v] for v in VIEWS) + " |",
        "|---|" + "---|" * len(VIEWS),
    ]
    counts = {v: defaultdict(int) for v in VIEWS}
    agree_rows = []
    for policy in POLICIES:
        cells, shared_only = [], []
        for v in VIEWS:
            links = cell_links(policy, v)
            if links["text"]:
                text = "**text**: " + "; ".join(_rule_link(r) for r in links["text"])
                if (v, policy) in NO_LINK_OF_ITS_OWN:
                    text += f"<br>{NO_LINK_OF_ITS_OWN[(v, policy)]}"
            else:
                why = NO_LINK_OF_ITS_OWN.get((v, policy), SILENT)
                text = f"**shared core**: {why}"
                shared_only.append((labels[v], why))
            counts[v][cell_basis(policy, v)] += 1
            if links["extension"]:
                counts[v]["extension (off)"] += 1
                text += "<br>*extension (off)*: " + ", ".join(f"`{r}`" for r in links["extension"])
            cells.append(text)
        out.append(f"| {policy} | " + " | ".join(cells) + " |")
        if len(shared_only) >= 2:
            agree_rows.append((policy, shared_only))
    out += ["", "Cells per view:", "", "| view | text | shared core | with an extension (off) |", "|---|---|---|---|"]
    for v in VIEWS:
        c = counts[v]
        out.append(f"| {labels[v]} | {c['text']} | {c['shared']} | {c['extension (off)']} |")
    out += ["", "### Where columns agree, and why", ""]
    out += [
        "Where two or more views add no link of their own to a policy, they answer it with the shared core alone;",
        "their answers then differ only through what each view's other links do to the world the policy acts on.",
        "",
    ]
    for policy, views in agree_rows:
        out.append(f"- **{policy}**: " + "; ".join(f"{label}: {why}" for label, why in views) + ".")
    out += [
        "",
        "## Links that carry a view's changes further",
        "",
        "| rule | view | basis | what it carries |",
        "|---|---|---|---|",
    ]
    for rule_id, what in CARRIERS.items():
        r = RULES[rule_id]
        for v in r.mechanisms:
            out.append(f"| `{rule_id}` | {labels[v]} | {r.basis_for(v)} ({'; '.join(r.sources)}) | {what} |")
    out += [
        "",
        "## The shared core each policy acts through (every view)",
        "",
        "| policy | shared links |",
        "|---|---|",
    ]
    for policy in POLICIES:
        out.append(f"| {policy} | " + "; ".join(_rule_link(r) for r in SHARED[policy]) + " |")
    out += [
        "",
        "Every state's wish for ties responds under every view to the violence it faces where a text or the record",
        "says so (Pakistan to TTP attacks, Russia to ISKP, China to the militants sheltered in",
        "Afghanistan, Tajikistan keeping away), to the rights record, to peers that recognise and to rivals'",
        "standing (`states.rivals_pull`).",
        "",
        "Extensions of every view (the model's own links, no text's; off by default): "
        + ", ".join(f"`{r.id}`" for r in RULES.values() if not r.mechanisms and r.basis == "extension")
        + ".",
        "",
    ]
    return "\n".join(out)


# --- directions: what the model answers, reported ---------------------------------------------------------------

OUTCOMES_REPORTED = (
    "attacks_pakistan",
    "deaths_pakistan",
    "ttp_fighters",
    "pragmatist_influence",
    "girls_schools_open",
    "humanitarian_need",
    "clash_risk",
    "iskp_external_capacity",
)
MOVING = 0.1  # a cell moves if the policy changes the outcome in at least this share of replications
EVERY_VIEW = "every view"


@dataclass(frozen=True)
class Claim:
    """A direction a text states: the policy moves the outcome '+' up, '-' down, or 'not -' / 'not +'."""

    view: str  # a mechanism, or EVERY_VIEW for a claim no text disputes
    policy: str
    outcome: str
    direction: str
    source: str
    says: str
    # where the model does not reproduce the claim: why, in the model's links (empty while it reproduces it); a
    # slow test holds each such claim as an expected failure, so a change that makes the model reproduce it is seen
    finding: str = ""


CLAIMS = (
    Claim(
        "engagement_moderates",
        "recognition",
        "pragmatist_influence",
        "+",
        "seed 003 ¶2, ¶4, seed 000 ¶3",
        "contact, and a non-isolated Afghanistan, favour pragmatism",
    ),
    Claim(
        "engagement_moderates",
        "us_normalisation",
        "pragmatist_influence",
        "+",
        "seed 003 ¶1-2",
        "a US presence builds influence with the leadership",
    ),
    Claim(
        "engagement_moderates",
        "recognition",
        "iskp_external_capacity",
        "-",
        "seed 003 ¶3",
        "trust built by engagement opens cooperation against ISKP",
    ),
    Claim(
        "engagement_moderates",
        "us_normalisation",
        "iskp_external_capacity",
        "-",
        "seed 003 ¶3",
        "intelligence sharing against the common ISKP enemy",
    ),
    Claim(
        "engagement_moderates",
        "recognition",
        "humanitarian_need",
        "-",
        "seed 003 ¶3",
        "a recognised government lets aid be delivered better",
    ),
    Claim(
        "engagement_moderates",
        "isolation",
        "pragmatist_influence",
        "-",
        "seed 003 ¶2, ¶4",
        "nothing is achieved by shunning; condemnation stiffens resistance",
    ),
    Claim(
        "engagement_moderates",
        "recognition",
        "girls_schools_open",
        "+",
        "seed 003 ¶4, seed 000 ¶3",
        "engagement could strengthen the case for girls' education (hedged)",
    ),
    Claim(
        "legitimacy_emboldens",
        "recognition",
        "ttp_fighters",
        "+",
        "seed 002 ¶4, ¶10",
        "appeasement makes Afghanistan a new sanctuary for terrorism",
        finding="recognition widens the sanctuary the TTP recruits under (`taliban.legitimacy_widens_sanctuary`), "
        "but in the shared core it also lifts sanctions and eases need (`population.sanctions_deepen_need`), and "
        "the TTP recruits from hardship (`ttp.hardship_feeds_recruitment`); where hardship recruitment is drawn "
        "large, less hardship outweighs the wider sanctuary. Seed 002 ¶8 itself ties recruitment to economic "
        "breakdown, so the text's two claims pull against each other here.",
    ),
    Claim(
        "legitimacy_emboldens",
        "recognition",
        "attacks_pakistan",
        "+",
        "seed 002 ¶4-5, ¶10",
        "the groups Kabul shelters threaten Pakistan",
    ),
    Claim(
        "legitimacy_emboldens",
        "recognition",
        "iskp_external_capacity",
        "+",
        "seed 002 ¶4, ¶10",
        "ISKP is among the groups a wider sanctuary serves",
        finding="the wider sanctuary adds little to ISKP's growth (`iskp.exploits_wider_sanctuary`, and only above "
        "a mid-2025 level drawn apart from the sanctuary's own), while in the shared core recognition eases the "
        "hardship ISKP recruits from (`iskp.recruits_from_instability`); the second outweighs the first in most "
        "futures. The model also sides with the record, and seed 003 ¶3, that Kabul fights ISKP.",
    ),
    Claim(
        "legitimacy_emboldens",
        "recognition",
        "girls_schools_open",
        "not +",
        "seed 002 ¶6-7, ¶10",
        "recognition without commitments brings no reform",
    ),
    Claim(
        "legitimacy_emboldens",
        "conditional_recognition",
        "attacks_pakistan",
        "not +",
        "seed 002 ¶10-12",
        "recognition held back until commitments rewards no one",
        finding="the offers draw states up the ladder, and what they give on the way is given without commitments: "
        "conditions hold back only recognition, so the rungs below it confer standing, and the states that drop "
        "their conditions (`states.drops_conditions`) recognise on their own terms. That standing widens the "
        "sanctuary (`taliban.legitimacy_widens_sanctuary`), while an offer narrowing it is an extension the text "
        "does not state (`taliban.accountability_restrains_sanctuary`). Seed 002 ¶11 fears this erosion of the "
        "common position; the model finds it outweighs the restraint in most futures.",
    ),
    Claim(
        "legitimacy_emboldens",
        "us_normalisation",
        "attacks_pakistan",
        "+",
        "seed 002 ¶6, ¶12",
        "an upgrade without commitments is an unsafe bet",
    ),
    Claim(
        "conditional_leverage",
        "conditional_recognition",
        "girls_schools_open",
        "+",
        "seed 000 ¶3",
        "recognition with strings such as women's education",
    ),
    Claim(
        "conditional_leverage",
        "conditional_recognition",
        "attacks_pakistan",
        "-",
        "seed 000 ¶3",
        "commitments on security; for Pakistan, no TTP hosting",
    ),
    Claim(
        "conditional_leverage",
        "isolation",
        "attacks_pakistan",
        "not -",
        "seed 000 ¶2-3",
        "isolation did not bring peace and will not now",
    ),
    Claim(
        "conditional_leverage",
        "isolation",
        "girls_schools_open",
        "not +",
        "seed 000 ¶3",
        "the Taliban will not change under siege",
    ),
    Claim(
        "regional_security_bargain",
        "joint_ct_front",
        "attacks_pakistan",
        "-",
        "seed 001 ¶4-5, seed 004 ¶5",
        "talks with Kandahar and a united regional message move the TTP",
    ),
    Claim(
        EVERY_VIEW,
        "pakistan_kinetic",
        "attacks_pakistan",
        "not -",
        "seed 001 ¶3",
        "the kinetic approach failed (no text disputes it)",
        finding="strikes cost the TTP fighters (`pakistan.counterterrorism_at_home`), while the ways they fail, the "
        "recruits they hand the group (`ttp.strikes_feed_recruitment`) and Kabul's retaliation "
        "(`taliban.strikes_provoke_retaliation`), are assumptions whose sizes are guesses; where they are drawn "
        "small against the losses (`pakistan.strike_attrition`, itself a guess), the losses win and attacks fall. "
        "Seed 001 ¶3 states the failure, not its channels, so the model reproduces it only where the assumed "
        "channels outweigh the losses.",
    ),
)


def run_directions(replications: int, months: int):
    from sim.config.plan import plan
    from sim.model.ensemble import run_cell
    from sim.model.outcomes import replication_summaries

    p = plan(
        ["experiment=all_policies", f"replications={replications}", f"months={months}", "uncertainty=parameters"],
    )
    return {
        (c.scenario.name, c.hypothesis.name): replication_summaries(run_cell(c.setup, replications)) for c in p.cells
    }


def direction_table(summaries) -> dict:
    """(view, policy, outcome) -> (P(the policy raises the outcome) among replications it moves, share moved)."""
    from sim.model.outcomes import OUTCOME_INDEX

    table = {}
    for v in VIEWS:
        base = summaries[("status_quo", v)]
        for policy in POLICIES:
            for o in OUTCOMES_REPORTED:
                i = OUTCOME_INDEX[o]
                diff = summaries[(policy, v)][i] - base[i]
                moved = diff != 0
                share = float(moved.mean())
                up = float((diff[moved] > 0).mean()) if moved.any() else float("nan")
                table[(v, policy, o)] = (up, share, diff)
    return table


def claim_probability(table, view, claim: Claim) -> float:
    """P(the model moves the outcome the way the claim says), paired by replication: for '+' and '-' among the
    replications the policy changes at all (0 if it changes none), for 'not -' and 'not +' over all of them."""
    _, _, diff = table[(view, claim.policy, claim.outcome)]
    moved = diff[diff != 0]
    if claim.direction == "+":
        return float((moved > 0).mean()) if moved.size else 0.0
    if claim.direction == "-":
        return float((moved < 0).mean()) if moved.size else 0.0
    if claim.direction == "not -":
        return float((diff >= 0).mean())
    return float((diff <= 0).mean())  # "not +"


REPRODUCED = 0.8  # the share of replications in which the model must agree with a claim to reproduce it


def claim_cases():
    """Every (claim, view) pair the directions report grades."""
    return [(c, v) for c in CLAIMS for v in (VIEWS if c.view == EVERY_VIEW else (c.view,))]


def verdict(prob: float) -> str:
    if prob >= REPRODUCED:
        return "reproduced"
    if prob >= 0.5:
        return "leans that way"
    return "**not reproduced (finding)**"


def extreme_share(table) -> tuple[int, int]:
    """(moving cells, of which P(up) >= 0.95 or <= 0.05)."""
    moving = [up for up, share, _ in table.values() if share >= MOVING]
    return len(moving), sum(1 for up in moving if up >= 0.95 or up <= 0.05)


def render_directions(summaries, replications: int, months: int) -> str:
    labels = _labels()
    table = direction_table(summaries)
    n_moving, n_extreme = extreme_share(table)
    out = [
        "# Directions the model gives: findings, not requirements",
        "",
        f"Generated by `python -m sim directions` ({replications} replications, {months} months from July",
        "2025, every uncertain parameter drawn per replication from its sampling range, the configured seed); do not edit by",
        "hand. Each number is the probability, paired by replication against the status quo, that the policy raises",
        f"the outcome, among the replications it changes at all; a dot marks a cell changed in under {MOVING:.0%} of",
        "replications. Extensions are off. No test requires any of these directions: each rule is tested alone",
        "against its text (`tests/model/test_worldviews.py`), and what the rules give together is reported here.",
        "",
        f"Of the {n_moving} cells that move, {n_extreme} ({n_extreme / max(n_moving, 1):.0%}) have P(up) at or above "
        "0.95 or at or below 0.05.",
        "",
        "## The texts' claims against the model",
        "",
        "A claim that the policy raises (+) or lowers (-) an outcome is measured among the replications the policy",
        "changes at all; a claim that it does not (not +, not -) over every replication. It is reproduced if the",
        "model agrees in at least 80% of them, leans that way from 50%, and is otherwise a finding: the model, built",
        "from the view's links and the shared core, does not give what the text expects. Findings are reported,",
        "never repaired by reshaping a range.",
        "",
        "| view | policy | outcome | text's claim | source | P(model agrees) | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    unreproduced = []
    for c, v in claim_cases():
        prob = claim_probability(table, v, c)
        out.append(
            f"| {labels[v]} | {c.policy} | {c.outcome} | {c.direction}: {c.says} | {c.source} | {prob:.2f} | "
            f"{verdict(prob)} |"
        )
        if prob < REPRODUCED and c not in unreproduced:
            unreproduced.append(c)
    if unreproduced:
        out += [
            "",
            "### Why the model does not reproduce these claims",
            "",
            "Each is a written finding, held as an expected failure by a slow test (`tests/model/test_worldviews.py`),",
            "so that a change which makes the model reproduce it is seen.",
            "",
        ]
        for c in unreproduced:
            where = "every view" if c.view == EVERY_VIEW else labels[c.view]
            why = c.finding or "**no finding written yet**"
            out.append(f"- **{where}, {c.policy} on {c.outcome} ({c.direction})**: {why}")
    out += ["", "## Every direction, by view", ""]
    for v in VIEWS:
        out += [
            f"### {labels[v]}",
            "",
            "| policy | basis | " + " | ".join(OUTCOMES_REPORTED) + " |",
            "|---|---|" + "---|" * len(OUTCOMES_REPORTED),
        ]
        for policy in POLICIES:
            row = []
            for o in OUTCOMES_REPORTED:
                up, share, _ = table[(v, policy, o)]
                row.append("·" if share < MOVING else f"{up:.2f}")
            out.append(f"| {policy} | {cell_basis(policy, v)} | " + " | ".join(row) + " |")
        out.append("")
    return "\n".join(out)


def _write_or_check(path: Path, text: str, check: bool, command: str) -> int:
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"error: {path.relative_to(ROOT)} is stale; regenerate it with '{command}'", file=sys.stderr)
            return 1
        print(f"{path.relative_to(ROOT)} is up to date")
        return 0
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


def worldviews_main(args: list[str]) -> int:
    unknown = [a for a in args if a != "--check"]
    if unknown:
        print(f"error: unknown option {unknown[0]!r} for 'worldviews'; the only option is --check", file=sys.stderr)
        return 2
    command = "python -m sim hypotheses"
    return _write_or_check(HYPOTHESES_DOC, render_hypotheses(), "--check" in args, command)


# the size of the committed docs/directions.md (its staleness test reruns exactly this)
DIRECTIONS_REPLICATIONS = 100
DIRECTIONS_MONTHS = 120


def directions_main(args: list[str]) -> int:
    unknown = [a for a in args if a != "--check"]
    if unknown:
        print(f"error: unknown option {unknown[0]!r} for 'directions'; the only option is --check", file=sys.stderr)
        return 2
    reps, months = DIRECTIONS_REPLICATIONS, DIRECTIONS_MONTHS
    text = render_directions(run_directions(reps, months), reps, months)
    return _write_or_check(DIRECTIONS_DOC, text, "--check" in args, "python -m sim directions")


def consistency_problems() -> list[str]:
    """Ways the channel tables and the rules' metadata disagree (empty when they agree)."""
    problems = []
    bound = {r.id for r in RULES.values() if r.mechanisms}
    listed = set(CHANNELS) | set(CARRIERS)
    for rule_id in sorted(bound - listed):
        problems.append(f"view-bound rule {rule_id} is in neither CHANNELS nor CARRIERS")
    for rule_id in sorted(listed - bound):
        problems.append(f"{rule_id} is listed as a view's link but is not bound to a view")
    for rule_id in sorted(set(CHANNELS) & set(CARRIERS)):
        problems.append(f"{rule_id} is listed both as a channel and as a carrier")
    for rule_id, (policies, _) in CHANNELS.items():
        for p in policies:
            if p not in POLICIES:
                problems.append(f"{rule_id} names an unknown policy {p!r}")
    for policy, rule_ids in SHARED.items():
        for rule_id in rule_ids:
            if rule_id not in RULES or RULES[rule_id].basis != "shared" or RULES[rule_id].mechanisms:
                problems.append(f"{rule_id}, listed in the shared core of {policy}, is not a shared rule")
    return problems


COMMANDS = {"hypotheses": worldviews_main, "directions": directions_main}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(
            "usage: python -m sim hypotheses [--check] | python -m sim directions [--check]  "
            "(writes docs/hypotheses.md or docs/directions.md)",
            file=sys.stderr,
        )
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
