"""The worldviews' weights an analysis uses: the record's (sim.model.weights), or the user's where a run's
configuration sets them (``weights.NAME=W``), normalised over the run's worldviews."""

from __future__ import annotations

from sim.model.weights import record_weights
from sim.store.reader import read_config


def _normalise(values: dict) -> dict:
    total = sum(values.values())
    return {k: (v / total if total > 0 else float("nan")) for k, v in values.items()}


def analysis_weights(hypotheses: list, user: dict | None = None) -> tuple[dict | None, str]:
    """The weights an analysis uses for ``hypotheses``, normalised, and how they were set.

    Each weight given by the user (``weights.NAME=...``) replaces that worldview's weight from the record; the
    rest keep the record's.  None (with the reason) when a worldview has neither.
    """
    user = {k: float(v) for k, v in (user or {}).items()}
    record = record_weights()
    missing = [h for h in hypotheses if h not in user and h not in record]
    changed = [h for h in missing if "[" in h]
    if changed:
        return None, f"{changed[0]} is changed on the command line, so the record never weighed it"
    if missing:
        return None, f"no weight from the record for {', '.join(missing)}: set weights.{missing[0]}=..."
    raw = {h: user.get(h, record.get(h)) for h in hypotheses}
    if sum(raw.values()) <= 0:
        return None, "every worldview of the run has weight 0"
    weights = _normalise(raw)
    if user:
        named = ", ".join(f"{h}={user[h]:g}" for h in hypotheses if h in user)
        how = f"set by the user ({named}), the rest from the record; normalised"
    else:
        how = "from the record: the share of each worldview's parameter points it leaves, normalised (docs/evidence.md)"
    return weights, how


def folder_weights(folder, hypotheses: list) -> tuple[dict | None, str]:
    """``analysis_weights`` for a results folder: the user's weights are those its config.yaml records."""

    user = {k: v for k, v in (read_config(folder).get("weights") or {}).items() if v is not None}
    return analysis_weights(hypotheses, user)
