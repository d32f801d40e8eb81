"""Reading the source cards in seeds/: one section per paragraph, each with its rules or a reason to set it aside."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.model.sources import SEEDS_DIR, seed_index

_SECTION = re.compile(r"^## ¶(\d+)\s*$", re.MULTILINE)
_RULE_ID = re.compile(r"`([a-z_]+\.[a-z_]+)`")


@dataclass
class CardParagraph:
    number: int
    rules: list[str]
    set_aside: str | None
    text: str


def read_card(key: str) -> dict[int, CardParagraph]:
    seed = seed_index()[key]
    path = SEEDS_DIR / seed.file.replace(".txt", ".md")
    text = path.read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    paragraphs = {}
    for number, body in zip(parts[1::2], parts[2::2]):
        rules, set_aside = [], None
        for line in body.splitlines():
            if line.startswith("Rules:"):
                rules = _RULE_ID.findall(line)
            elif line.startswith("Set aside:"):
                set_aside = line.removeprefix("Set aside:").strip()
        paragraphs[int(number)] = CardParagraph(int(number), rules, set_aside, body)
    return paragraphs
