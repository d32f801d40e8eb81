"""A results folder as the page shows it: its report, its figures and its summary table.  Read only.

A results folder may come from someone else, so the page opens only this tool's results folders (those
carrying its marker, see ``sim.store.files.tool_files``) under the results root given at start-up, and shows
what it reads as text: markdown without raw HTML, plain text escaped, the table escaped.

A received folder must not tie up the page either: a folder is known as the tool's by its marker alone (no
file of it is hashed; the marker's digests guard the tool's writes, not what the page shows), the page reads
only its own fixed names inside the folder (never a link), and what it shows is capped in size.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

from sim.store import files as store

REPORT_NAMES = ("report.md", "comparison.txt")
MAX_TEXT_BYTES = 2_000_000
MAX_FIGURES = 60
MAX_FIGURE_BYTES = 10_000_000  # a larger picture is left out
MAX_TABLE_ROWS = 2_000  # of summary.csv, the first rows shown (the page says it is cut)
MAX_TABLE_BYTES = 4_000_000
MAX_MARKER_BYTES = 1_000_000  # the tool's marker and manifest are a few kB

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
    summary_cut: bool = False  # only the first rows of summary.csv are in ``summary``

    def report_html(self) -> str | None:
        """The report as HTML in which nothing from the folder is markup of its own."""
        if self.report is None:
            return None
        if self.report_name.endswith(".md"):
            return _RECEIVED_MARKDOWN.render(strip_local_images(self.report))
        return f"<pre>{html.escape(self.report)}</pre>"


def _small_json(path: Path) -> dict | None:
    """A marker or manifest read as JSON: a regular file of at most ``MAX_MARKER_BYTES``, never a link."""
    if not _regular_file(path) or path.stat().st_size > MAX_MARKER_BYTES:
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _is_ours(folder: Path) -> bool:
    """Whether ``folder`` carries the tool's marker (or, written before the marker, its manifest).

    Cheap on purpose: the marker's presence, not its digests, which would have every listed file hashed.
    """
    try:
        if not folder.is_dir() or folder.is_symlink():
            return False
        marker = folder / store.MARKER
        if marker.exists() or marker.is_symlink():
            data = _small_json(marker)
            return data is not None and data.get("tool") == store.TOOL and isinstance(data.get("files"), list)
        # an older folder: its manifest (read by the store, once it is known to be a small plain file)
        return _small_json(folder / "manifest.json") is not None and store.tool_files(folder) is not None
    except (OSError, ValueError):
        return False


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def find_folders(root: Path | str) -> list[Path]:
    """The tool's results folders under ``root`` (and ``root`` itself), one level deep."""
    root = Path(root)
    try:
        candidates = [root, *sorted(p for p in root.iterdir() if not p.name.startswith("."))]
    except OSError:
        return []
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
            if _inside(real, root) and _is_ours(real):
                return real
        except (OSError, RuntimeError, ValueError):  # a name too long, a NUL byte, a loop of links
            continue
    raise FolderError(
        f"{text} is not a results folder of this tool under {root}"
        " (for runs written elsewhere, start the page with --results-root)"
    )


def _regular_file(path: Path) -> bool:
    # a link in a received folder could name any file of the reader's: only the folder's own files are read
    return path.is_file() and not path.is_symlink()


def _read_table(path: Path) -> tuple[pd.DataFrame, bool]:
    """The first ``MAX_TABLE_ROWS`` rows of a CSV file (of its first ``MAX_TABLE_BYTES``), and whether it is cut."""
    with open(path, "rb") as f:
        data = f.read(MAX_TABLE_BYTES + 1)
    cut = len(data) > MAX_TABLE_BYTES
    if cut:
        data = data[: data.rfind(b"\n") + 1]  # whole lines only
    table = pd.read_csv(io.BytesIO(data), nrows=MAX_TABLE_ROWS + 1)
    return table.head(MAX_TABLE_ROWS), cut or len(table) > MAX_TABLE_ROWS


def read_folder(path: Path | str, root: Path | str) -> ResultsFolder:
    folder = resolve_folder(path, root)
    try:
        return _read(folder)
    except OSError as exc:
        raise FolderError(f"{folder} cannot be read: {exc.strerror or exc}") from None


def _read(folder: Path) -> ResultsFolder:
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
    out.figures = [p for p in figures if _regular_file(p) and p.stat().st_size <= MAX_FIGURE_BYTES][:MAX_FIGURES]
    summary = folder / "summary.csv"
    if _regular_file(summary):
        try:
            out.summary, out.summary_cut = _read_table(summary)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FolderError(f"{summary} is not a readable table: {str(exc).splitlines()[0]}") from None
    if out.report is None and not out.figures and out.summary is None:
        raise FolderError(f"{folder} holds no report, figures or summary.csv of a run")
    return out


def strip_local_images(markdown: str) -> str:
    """Drop image links to local files from a report (its figures are shown beside it)."""
    return re.sub(r"!\[[^\]]*\]\((?!https?:)[^)]*\)", "", markdown)
