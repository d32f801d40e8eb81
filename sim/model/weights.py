"""The worldviews' weights from the record: the committed history match (``python -m sim evidence``) read back.

Each worldview's share of parameter points the record leaves plausible, its weight, and the kept points that
``uncertainty=matched`` draws from.  sim.calibration.evidence writes the file; everything else only reads it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

EVIDENCE_FILE = Path(__file__).resolve().parent / "data" / "worldview_weights.yaml"


_loaded: dict = {}


def load_evidence(path: Path = EVIDENCE_FILE) -> dict | None:
    """The committed match, or None when it has not been made."""
    path = Path(path)
    if not path.is_file():
        return None
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return _loaded[key]


def record_weights(path: Path = EVIDENCE_FILE) -> dict:
    data = load_evidence(path) or {}
    return {h: float(v["weight"]) for h, v in (data.get("worldviews") or {}).items()}


def kept_points(hypothesis: str, path: Path = EVIDENCE_FILE) -> tuple[int, list[int]]:
    """(seed, kept points) of a worldview; ValueError when the match has none for it."""
    data = load_evidence(path)
    if data is None:
        raise ValueError(f"{path.name} is missing: make it with python -m sim evidence")
    entry = (data.get("worldviews") or {}).get(hypothesis)
    if entry is None:
        raise ValueError(f"the history match has no worldview {hypothesis!r}; rerun python -m sim evidence")
    if not entry["kept_points"]:
        raise ValueError(f"the record rules out every parameter point of {hypothesis}; nothing to draw from")
    return int(data["seed"]), list(entry["kept_points"])
