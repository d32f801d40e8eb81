"""Rebuilding the report of a results folder that exists, local or at a URL (``python -m sim report DIR``): the
same code as a run's report, in a local working folder that reads the stored dataset; its files are then copied
into the folder unless one would replace a file the tool did not write."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sim.report.build import build_report
from sim.store.files import (
    MARKER,
    RESULTS_LINK,
    OutputRefused,
    _names,
    _writable,
    filesystem,
    protocols,
    set_aside,
    tool_files,
    unproven_files,
)
from sim.store.reader import FolderError, ResultsFolder
from sim.store.url import REPORT_INPUTS, upload


def rebuild_report(location, figures: bool | None = None):
    """Rebuild the stored report of a results folder, local or at a URL: the same code as a run's report, in a
    working folder whose link leads to the stored dataset; its files are then copied into the folder, unless one
    of them would replace a file the tool did not write (nothing is written then)."""
    folder = ResultsFolder.open(location)  # one line on what is wrong with it, before anything is written
    fs, root = folder.fs, folder.root
    local = "file" in protocols(fs)
    if local and not _writable(Path(root)):  # a folder its owner made read-only is to be kept as it is
        raise OutputRefused(f"{location} is write-protected; its report is not rebuilt (nothing was written)")
    dataset = folder.data if local else folder.data_fs.unstrip_protocol(folder.data)
    ours = tool_files(location) or set()
    # a user's own file under the name of one of the run's inputs is not the run's: not read, not replaced
    theirs = [n for n in REPORT_INPUTS if n not in ours and fs.lexists(f"{root}/{n}")]
    if MARKER in ours and theirs:
        raise OutputRefused(
            f"{location} holds {_names(theirs)}, not written by this tool (or changed since), where the report "
            "reads the run's own; put the run's file back, or run the experiment again"
        )
    with tempfile.TemporaryDirectory(prefix="sim-report-") as name:
        work = Path(name)
        for input_name in REPORT_INPUTS:
            if fs.isfile(f"{root}/{input_name}"):
                (work / input_name).write_bytes(fs.cat_file(f"{root}/{input_name}"))
        (work / RESULTS_LINK).write_text(f"{dataset}\n", encoding="utf-8")
        try:
            report = build_report(work, figures=figures)
        except FolderError as exc:  # said of the user's folder, not of the working folder they never named
            raise FolderError(str(exc).replace(str(work), str(location))) from None
        theirs = [n for n in report.files if n not in ours and fs.lexists(f"{root}/{n}")]
        if theirs:
            raise OutputRefused(
                f"{location} holds {_names(theirs)}, not written by this tool, under names the report writes; "
                "move them out of the folder and run the report again"
            )
        # a file of the tool's its owner made read-only is to be kept as it is, as a read-only folder is
        kept = [n for n in report.files if local and _read_only(Path(root) / n)]
        if kept:
            raise OutputRefused(
                f"{location}: {_names(kept)} {'is' if len(kept) == 1 else 'are'} read-only; the report is not "
                "rebuilt (nothing was written); make it writable to replace it"
            )
        # a file the report replaces that nothing records the tool wrote (an older folder) is kept under a new name
        local_fs, work_root = filesystem(str(work))
        set_aside(fs, root, unproven_files(fs, root, set(report.files) & ours, local_fs, work_root), location)
        upload(work, fs, root, names=set(report.files))
    return report


def _read_only(path: Path) -> bool:
    """A file that is there (not a link: a link is the user's and refused as such) with no write permission,
    by its mode bits: the owner's choice, even where the process (root) could write it anyway."""
    return path.is_file() and not path.is_symlink() and not path.stat().st_mode & 0o222
