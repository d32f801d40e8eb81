"""Which rules moved most in a month of one watched replication.

A light attribution, kept out of the ensemble's path: while one replication is replayed, every rule call
is recorded with what it returned (a term, a new level, a probability).  A rule "moved" in a month by how
much its output changed from the month before, measured against the whole spread of that output over the
run, so rules of different units compare: 1 means the output crossed its full range of the run in one
month.  A rule called for several actors (the relation ladder of each state) counts once per actor.

Recording wraps ``Rule.__call__`` only while a replay runs, and only the replaying thread records;
an ensemble running meanwhile in another thread passes straight through.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

import numpy as np

from sim.model.cards import read_card
from sim.model.rules import RULES, Rule
from sim.model.sources import parse_citation

_ORIGINAL_CALL = Rule.__call__
_local = threading.local()
_patch_lock = threading.Lock()
_active = 0


def _recording_call(self, ctx, *args):
    out = _ORIGINAL_CALL(self, ctx, *args)
    calls = getattr(_local, "calls", None)
    if calls is not None:
        who = getattr(args[0], "key", "") if args else ""
        calls.append((ctx.index, self.id, who, out))
    return out


@contextlib.contextmanager
def recording():
    """Within the block, rule calls made by this thread are appended to the list it yields."""
    global _active
    with _patch_lock:
        if _active == 0:
            Rule.__call__ = _recording_call
        _active += 1
    _local.calls = []
    try:
        yield _local.calls
    finally:
        _local.calls = None
        with _patch_lock:
            _active -= 1
            if _active == 0:
                Rule.__call__ = _ORIGINAL_CALL


@dataclass
class Move:
    rule: str
    actor: str  # the actor a shared rule was called for ("" for a rule of one actor)
    score: float  # change this month over the output's spread in the run (0..1)
    before: float
    after: float
    part: int = 0  # which value of a rule returning several (the relation ladder: level, then momentum)
    parts: int = 1


def _as_vector(out) -> np.ndarray | None:
    try:
        v = np.asarray(out, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return None
    return v if v.size else None


def rule_moves(calls, months: int) -> list[list[Move]]:
    """Per month, the rules ordered by how much their output moved (largest first)."""
    series: dict[tuple[str, str, int], dict[int, np.ndarray]] = {}
    seen: dict[tuple[int, str, str], int] = {}
    for month, rule_id, who, out in calls:
        v = _as_vector(out)
        if v is None:
            continue
        # the n-th call of a rule for the same actor in a month (a rule may be used twice)
        n = seen.get((month, rule_id, who), 0)
        seen[(month, rule_id, who)] = n + 1
        series.setdefault((rule_id, who, n), {})[month] = v
    moves: list[list[Move]] = [[] for _ in range(months)]
    for (rule_id, who, _), by_month in series.items():
        ordered = sorted(by_month)
        values = np.array([by_month[m] for m in ordered]) if _same_size(by_month) else None
        if values is None or len(ordered) < 2:
            continue
        spread = values.max(axis=0) - values.min(axis=0)
        for i in range(1, len(ordered)):
            change = np.abs(values[i] - values[i - 1])
            with np.errstate(divide="ignore", invalid="ignore"):
                relative = np.where(spread > 0, change / spread, 0.0)
            j = int(np.argmax(relative))
            month = ordered[i]
            if month < months and relative[j] > 0:
                moves[month].append(
                    Move(
                        rule_id, who, float(relative[j]), float(values[i - 1][j]), float(values[i][j]), j, relative.size
                    )
                )
    for month_moves in moves:
        month_moves.sort(key=lambda m: (-m.score, m.rule, m.actor))
    return moves


def _same_size(by_month) -> bool:
    return len({v.size for v in by_month.values()}) == 1


def replay(model) -> tuple[np.ndarray, list[list[Move]]]:
    """Run a (one-replication) model through its horizon, recording rules; returns (record, moves per month)."""
    with recording() as calls:
        record = model.run()
    return record, rule_moves(calls, model.setup.months)


def paragraph_claims(citation: str) -> list[tuple[str, list[str]]]:
    """For ``seed 001 ¶3-4``: [("seed 001 ¶3", [claims as paraphrased on its source card]), ...]."""
    out = []
    for key, number in parse_citation(citation):
        card = read_card(key).get(number)
        claims = []
        if card is not None:
            claims = [line[2:].strip() for line in card.text.splitlines() if line.startswith("- ")]
        out.append((f"seed {key} ¶{number}", claims))
    return out


def rule_sources(rule_id: str) -> list[tuple[str, list[str]]]:
    rule = RULES[rule_id]
    return [entry for citation in rule.sources for entry in paragraph_claims(citation)]
