"""A results folder as the page shows it: its report, its figures and its summary table.  Read only.

A results folder may come from someone else, so the page opens only this tool's results folders (those
carrying its marker, see ``sim.store.tool_files``) under the results root given at start-up, and shows
what it reads as text: markdown without raw HTML, plain text escaped, the table escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

from sim import store

REPORT_NAMES = ("report.md", "comparison.txt")
MAX_TEXT_BYTES = 2_000_000
MAX_FIGURES = 60

# raw HTML in a received report is shown as the text it is; links keep markdown-it's check of their scheme
# (no javascript: or data: link), and images are left out (the folder's figures are shown beside it)
_RECEIVED_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


class FolderError(ValueError):
    """The folder cannot be shown; one line says why."""


@dataclass
class ResultsFolder:
    path: Path
    report_name: str | None = None
    report: str | None = None
    figures: list[Path] = field(default_factory=list)
    summary: pd.DataFrame | None = None

    def report_html(self) -> str | None:
        """The report as HTML in which nothing from the folder is markup of its own."""
        if self.report is None:
            return None
        if self.report_name.endswith(".md"):
            return _RECEIVED_MARKDOWN.render(strip_local_images(self.report))
        return f"<pre>{html.escape(self.report)}</pre>"


def _is_ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and store.tool_files(folder) is not None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def find_folders(root: Path | str) -> list[Path]:
    """The tool's results folders under ``root`` (and ``root`` itself), one level deep."""
    root = Path(root)
    if not root.is_dir():
        return []
    candidates = [root, *sorted(p for p in root.iterdir() if not p.name.startswith("."))]
    return [p for p in candidates if _is_ours(p)]


def resolve_folder(text: str, root: Path | str) -> Path:
    """The results folder the user typed, as a real path under ``root`` that carries the tool's marker.

    A relative path is taken from the results root (``all_policies``) or, when it starts with the root's
    own name, from the root's parent (``results/all_policies``).  Anything else, missing or not, gets the
    same answer, so the field tells nothing about what exists outside the tool's results.
    """
    text = str(text).strip()
    if not text:
        raise FolderError("give a results folder, e.g. results/all_policies")
    root = Path(root).resolve()
    given = Path(text)
    candidates = [given] if given.is_absolute() else [root / given, root.parent / given]
    for candidate in candidates:
        try:
            # resolved, links included: a link under the root to a folder elsewhere leads outside it
            real = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if _inside(real, root) and _is_ours(real):
            return real
    raise FolderError(f"{text} is not a results folder of this tool under {root}")


def _regular_file(path: Path) -> bool:
    # a link in a received folder could name any file of the reader's: only the folder's own files are read
    return path.is_file() and not path.is_symlink()


def read_folder(path: Path | str, root: Path | str) -> ResultsFolder:
    folder = resolve_folder(path, root)
    out = ResultsFolder(folder)
    for name in REPORT_NAMES:
        candidate = folder / name
        if _regular_file(candidate):
            if candidate.stat().st_size > MAX_TEXT_BYTES:
                raise FolderError(f"{candidate} is larger than {MAX_TEXT_BYTES // 1_000_000} MB; open it elsewhere")
            out.report_name = name
            out.report = candidate.read_text(encoding="utf-8", errors="replace")
            break
    figures = sorted(folder.glob("*.png"))
    if not (folder / "figures").is_symlink():
        figures += sorted((folder / "figures").glob("*.png"))
    out.figures = [p for p in figures if _regular_file(p)][:MAX_FIGURES]
    summary = folder / "summary.csv"
    if _regular_file(summary):
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
