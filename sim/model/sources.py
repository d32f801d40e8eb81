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


# --- the date of what a basis cites --------------------------------------------------------------------------------

_MONTH_NAMES = "January February March April May June July August September October November December".split()
# a month's name in full or cut to three letters ("Sept" too)
_MONTHS = {
    **{n[:3]: i for i, n in enumerate(_MONTH_NAMES, 1)},
    **{n: i for i, n in enumerate(_MONTH_NAMES, 1)},
    "Sept": 9,
}
# a year is four digits standing alone: not part of a longer number ("6,000", "233,941", "$1.3-1.6", "2.6")
_YEAR = r"(?<![\d,.$])((?:19|20)\d\d)(?![\d]|,\d|\.\d)"
_SEED_CITED = re.compile(r"\bseed (\d{3})\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+" + _YEAR)
# "2023-10" (a month), or "2021-22" and "2022-2025" (a span of years: the second is later than the first)
_DASHED = re.compile(_YEAR + r"[-–](\d{4}|\d\d)(?![\d]|,\d|\.\d)")
_BARE_YEAR = re.compile(_YEAR)


def cited_month(text: str, until: str | None = None) -> str | None:
    """The month (``"2023-10"``) of the latest material ``text`` cites, or None where it cites no date.

    A month and year ("Oct 2023", "October 2023", "2023-10") is that month; a bare year ("2024") is its December,
    since a year's figure is known once the year is over; a span of years ("2021-22", "2022-2025") is its last
    year; a seed citation ("seed 003 ¶7") is the month the text is dated (seeds/index.yaml).  ``until`` caps the
    answer: a year not over by then is known up to it.
    """
    found = []
    seeds = seed_index()
    for match in _SEED_CITED.finditer(text):
        if match.group(1) in seeds:
            found.append(seeds[match.group(1)].dated)
    rest = _SEED_CITED.sub(" ", text)
    for match in _MONTH_YEAR.finditer(rest):
        found.append(f"{match.group(2)}-{_MONTHS[match.group(1)]:02d}")
    rest = _MONTH_YEAR.sub(" ", rest)
    for match in _DASHED.finditer(rest):
        first, second = match.group(1), match.group(2)
        later = int(second) if len(second) == 4 else int(first[:2] + second)
        if later > int(first):
            found.append(f"{later}-12")
        elif len(second) == 2 and 1 <= int(second) <= 12:
            found.append(f"{first}-{second}")
        else:
            found.append(f"{first}-12")
    rest = _DASHED.sub(" ", rest)
    found += [f"{year}-12" for year in _BARE_YEAR.findall(rest)]
    if not found:
        return None
    latest = max(found)  # "YYYY-MM" strings sort as months do
    return min(latest, until) if until else latest
