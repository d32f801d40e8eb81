"""Generate the rulebook (docs/rules.md) from the rule registry: the code is the only source."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import yaml

import sim.model.actors  # noqa: F401  (importing the actors registers their rules)
from sim.model.actors import ACTORS
from sim.model.rules import MECHANISM_SOURCES, MECHANISMS, PARAMS, RULES
from sim.model.sources import CitationError, parse_citation, seed_index

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = ROOT / "docs" / "rules.md"
CONFIG_DIR = ROOT / "configs"


def _hypotheses_by_mechanism() -> dict[str, list[str]]:
    found = defaultdict(list)
    for path in sorted((CONFIG_DIR / "hypothesis").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for mechanism, weight in (data.get("mechanisms") or {}).items():
            if weight:
                found[mechanism].append(path.stem)
    return found


def _config_citations() -> dict[tuple[str, int], list[str]]:
    cited = defaultdict(list)
    for group in ("scenario", "hypothesis", "initial"):
        for path in sorted((CONFIG_DIR / group).glob("*.yaml")):
            where = f"configs/{group}/{path.name}"
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                sources = data.get("sources") or [] if isinstance(data, dict) else None
                if not isinstance(sources, list):
                    raise RulebookError(f"{where} must be a mapping with a list of sources")
                for citation in sources:
                    for ref in parse_citation(citation):
                        cited[ref].append(f"{group}/{path.stem}")
            except (OSError, UnicodeDecodeError, yaml.YAMLError, CitationError, TypeError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise RulebookError(f"{where}: {first}") from None
    return cited


def _fmt(x: float) -> str:
    return f"{x:g}"


def render() -> str:
    by_mechanism = _hypotheses_by_mechanism()
    actor_order = ["states"] + [a.key for a in ACTORS]
    labels = {a.key: a.label for a in ACTORS} | {"states": "All state actors (shared ladder)"}
    rules_by_actor = defaultdict(list)
    for r in RULES.values():
        rules_by_actor[r.actor].append(r)
    unknown = set(rules_by_actor) - set(actor_order)
    if unknown:
        raise ValueError(f"rules for actors that are not in sim.model.actors.ACTORS: {sorted(unknown)}")

    out = [
        "# Rulebook",
        "",
        "Generated from the code by `python -m sim rules`; do not edit by hand. Each rule is a function in the",
        "module named beside it. A rule bound to a mechanism only acts under the hypotheses that switch that",
        "mechanism on; the others act under every hypothesis. Citations are `seed NNN ¶P`, paragraphs counted",
        "as the non-empty lines of the text; the source cards in `seeds/` paraphrase each paragraph.",
        "",
        "Every rule states its basis: **shared** (the shared core: a link common to every view, backed by the",
        "record or by a text no other text disputes), **text** (a link the texts of the named views state), or",
        "**extension** (a link no text of those views states, carried by the model beyond its texts). An",
        "extension acts only with its own weight, `extension.<rule id>`, which is 0 by default: it is off unless",
        "switched on (`+hypothesis.params.extension.taliban.neighbours_leverage=1` for a chosen hypothesis).",
        "",
        "## Mechanisms (where the texts disagree)",
        "",
        "| mechanism | what it claims | hypotheses | sources |",
        "|---|---|---|---|",
    ]
    for m, text in MECHANISMS.items():
        hyps = ", ".join(by_mechanism.get(m, [])) or "none"
        out.append(f"| `{m}` | {text} | {hyps} | {'; '.join(MECHANISM_SOURCES[m])} |")
    out.append("")
    used_params = set()
    for actor in actor_order:
        rules = rules_by_actor.get(actor)
        if not rules:
            continue
        out += [f"## {labels[actor]} (`{actor}`)", ""]
        for r in rules:
            module = r.func.__module__.replace(".", "/") + ".py"
            if r.mechanisms:
                hyps = sorted({h for m in r.mechanisms for h in by_mechanism.get(m, [])})
                names = ", ".join(f"`{m}`" for m in r.mechanisms)
                kind = "mechanism" if len(r.mechanisms) == 1 else "mechanisms"
                scope = f"{kind} {names} (hypotheses: {', '.join(hyps) or 'none'})"
                basis = "; ".join(f"{r.basis_for(m)} under `{m}`" for m in r.mechanisms)
            else:
                scope = "all hypotheses"
                basis = "shared core" if r.basis == "shared" else "extension of every view"
            if r.extension_weight:
                basis += f" (extension weight `{r.extension_weight}`, default 0: off)"
            out += [
                f"### `{r.id}`",
                "",
                r.statement,
                "",
                f"- applies under: {scope}",
                f"- basis: {basis}",
                f"- sources: {'; '.join(r.sources)}",
                f"- code: `{module}`, function `{r.func.__name__}`",
            ]
            if r.params:
                out += ["", "| parameter | default | range | meaning | provenance |", "|---|---|---|---|---|"]
                for p in r.params:
                    used_params.add(p.name)
                    out.append(
                        f"| `{p.name}` | {_fmt(p.default)} | {_fmt(p.low)} to {_fmt(p.high)} | {p.meaning} | "
                        f"{p.provenance} |"
                    )
            out.append("")
    out += ["## Mechanism weights", "", "| parameter | default | range | meaning |", "|---|---|---|---|"]
    for name, p in PARAMS.items():
        if name.startswith("mechanism."):
            used_params.add(name)
            out.append(f"| `{name}` | {_fmt(p.default)} | {_fmt(p.low)} to {_fmt(p.high)} | {p.meaning} |")
    out += ["", "## Extension weights", "", "| parameter | default | range | meaning |", "|---|---|---|---|"]
    for name, p in PARAMS.items():
        if name.startswith("extension."):
            used_params.add(name)
            out.append(f"| `{name}` | {_fmt(p.default)} | {_fmt(p.low)} to {_fmt(p.high)} | {p.meaning} |")
    out += [
        "",
        "## Calibrated values",
        "",
        "Assumptions whose defaults were set so the hindcast from August 2021 lands near what the texts report",
        "(see docs/calibration.md for the procedure and results).",
        "",
        "| parameter | default | range | evidence |",
        "|---|---|---|---|",
    ]
    for name, p in PARAMS.items():
        if "calibrated" in p.assumption:
            out.append(f"| `{name}` | {_fmt(p.default)} | {_fmt(p.low)} to {_fmt(p.high)} | {p.assumption} |")
    out.append("")
    orphans = sorted(set(PARAMS) - used_params)
    if orphans:
        raise ValueError(f"parameters not attached to any rule: {orphans}")
    out.append("")

    out += [
        "## Seed paragraph index",
        "",
        "Which rules and configs rest on each paragraph. Paragraphs that carry no claim (titles, bylines) are",
        "marked; paragraphs used by no rule are explained on their source card.",
        "",
    ]
    by_paragraph = defaultdict(list)
    for r in RULES.values():
        for citation in r.sources:
            for ref in parse_citation(citation):
                if r.id not in by_paragraph[ref]:
                    by_paragraph[ref].append(r.id)
    configs = _config_citations()
    for key, seed in seed_index().items():
        out += [f"### seed {key} ({seed.dated}): {seed.stance}", "", "| paragraph | rules | configs |", "|---|---|---|"]
        for par in range(1, seed.paragraphs + 1):
            rules = ", ".join(f"`{r}`" for r in by_paragraph.get((key, par), []))
            cfgs = ", ".join(dict.fromkeys(configs.get((key, par), [])))
            if par in seed.not_claims:
                rules = rules or "(no claim: title, byline or boilerplate)"
            out.append(f"| ¶{par} | {rules or '-'} | {cfgs or '-'} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


class RulebookError(ValueError):
    """A config file the rulebook indexes cannot be read; one line says which and why."""


def main(argv: list[str]) -> int:
    try:
        text = render()
    except RulebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if "--check" in argv:
        current = RULEBOOK.read_text(encoding="utf-8") if RULEBOOK.exists() else ""
        if current != text:
            print("error: docs/rules.md is stale; regenerate it with 'make rules'", file=sys.stderr)
            return 1
        print("docs/rules.md is up to date")
        return 0
    RULEBOOK.parent.mkdir(exist_ok=True)
    RULEBOOK.write_text(text, encoding="utf-8")
    print(f"wrote {RULEBOOK.relative_to(ROOT)} ({len(RULES)} rules, {len(PARAMS)} parameters)")
    return 0
