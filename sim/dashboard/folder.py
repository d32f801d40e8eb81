"""A results folder as the page shows it: its report, its figures and its summary table.  Read only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REPORT_NAMES = ("report.md", "comparison.txt")
MAX_TEXT_BYTES = 2_000_000
MAX_FIGURES = 60


class FolderError(ValueError):
    """The folder cannot be shown; one line says why."""


@dataclass
class ResultsFolder:
    path: Path
    report_name: str | None = None
    report: str | None = None
    figures: list[Path] = field(default_factory=list)
    summary: pd.DataFrame | None = None


def find_folders(root: Path | str = "results") -> list[Path]:
    """Folders under ``root`` (and ``root`` itself) that hold a run's summary or manifest."""
    root = Path(root)
    if not root.is_dir():
        return []
    candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))]
    return [p for p in candidates if (p / "summary.csv").is_file() or (p / "manifest.json").is_file()]


def read_folder(path: Path | str) -> ResultsFolder:
    text = str(path).strip()
    if not text:
        raise FolderError("give a results folder, e.g. results/all_policies")
    folder = Path(text).expanduser()
    if not folder.exists():
        raise FolderError(f"{folder} does not exist")
    if not folder.is_dir():
        raise FolderError(f"{folder} is a file, not a results folder")
    out = ResultsFolder(folder)
    for name in REPORT_NAMES:
        candidate = folder / name
        if candidate.is_file():
            if candidate.stat().st_size > MAX_TEXT_BYTES:
                raise FolderError(f"{candidate} is larger than {MAX_TEXT_BYTES // 1_000_000} MB; open it elsewhere")
            text = candidate.read_text(encoding="utf-8", errors="replace")
            out.report_name = name
            # figures are shown below the report; a link to a local image would only show as broken
            out.report = text if name.endswith(".md") else f"```\n{text}\n```"
            break
    figures = sorted(folder.glob("*.png")) + sorted((folder / "figures").glob("*.png"))
    out.figures = figures[:MAX_FIGURES]
    summary = folder / "summary.csv"
    if summary.is_file():
        try:
            out.summary = pd.read_csv(summary)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise FolderError(f"{summary} is not a readable table: {str(exc).splitlines()[0]}") from None
    if out.report is None and not out.figures and out.summary is None:
        raise FolderError(f"{folder} holds no report, figures or summary.csv of a run")
    return out


def strip_local_images(markdown: str) -> str:
    """Drop image links to local files from a report (its figures are shown beside it)."""
    return re.sub(r"!\[[^\]]*\]\((?!https?:)[^)]*\)", "", markdown)
