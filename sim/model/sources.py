"""The seed texts as citable sources: parsing and checking ``seed 003 ¶4`` references."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

_CITATION = re.compile(r"^seed (\d{3}) ¶(\d+)(?:[-–](\d+))?$")


@dataclass(frozen=True)
class Seed:
    key: str
    file: str
    dated: str
    stance: str
    paragraphs: int
    not_claims: tuple[int, ...]


@functools.cache
def seed_index() -> dict[str, Seed]:
    data = yaml.safe_load((SEEDS_DIR / "index.yaml").read_text(encoding="utf-8"))
    return {
        key: Seed(
            key=key,
            file=entry["file"],
            dated=str(entry["dated"]),
            stance=entry["stance"],
            paragraphs=int(entry["paragraphs"]),
            not_claims=tuple(entry.get("not_claims", [])),
        )
        for key, entry in data["seeds"].items()
    }


class CitationError(ValueError):
    pass


def parse_citation(text: str) -> list[tuple[str, int]]:
    """``"seed 002 ¶10-12"`` -> ``[("002", 10), ("002", 11), ("002", 12)]``.

    Raises CitationError for a malformed citation or a paragraph the text does not have.
    """
    match = _CITATION.match(text.strip())
    if not match:
        raise CitationError(f"malformed citation {text!r}; write it as 'seed 003 ¶4' or 'seed 003 ¶2-4'")
    key, first, last = match.group(1), int(match.group(2)), match.group(3)
    last = int(last) if last else first
    seeds = seed_index()
    if key not in seeds:
        raise CitationError(f"citation {text!r} names seed {key}, which does not exist")
    if not 1 <= first <= last <= seeds[key].paragraphs:
        raise CitationError(f"citation {text!r} is outside seed {key}, which has paragraphs 1-{seeds[key].paragraphs}")
    return [(key, p) for p in range(first, last + 1)]
