"""Results at a URL (``file://``, ``memory://``, ``s3://`` with s3fs, any fsspec file system).

The run is the same as into a local folder: every chunk is written by the process that computed it,
straight to a hidden staging prefix beside the target (``<parent>/.<name>.partial``), atomically as far
as the file system allows; ``progress.json`` there lists the finished chunks for ``resume=true``; the
report is computed from the stored dataset; the prefix is moved into place when the run has finished.

What differs: a URL cannot be locked, so a staging prefix that exists already is taken as another run
under way (or one that was interrupted) and refused unless ``resume=true``; and the report, whose writers
work on local files, is written into a local working folder whose link file leads the readers to the
dataset at the URL, then copied to the URL file by file.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from sim.store.files import (
    MARKER,
    RESULTS_LINK,
    TOOL,
    OutputRefused,
    _names,
    _put_json,
    check_inside_results,
    describe_files,
    filesystem,
    foreign_inside,
    mark_replacing,
    put_file,
    refuse_foreign,
    set_aside,
    side_prefix,
    tool_record,
    unproven_files,
)

# what a report needs besides the dataset; copied into the working folder when a stored report is rebuilt
REPORT_INPUTS = ("manifest.json", "config.yaml", "parameters.parquet")


def open_url(url: str):
    """The file system and path of ``url``, or OutputRefused in one line when the URL cannot be used."""
    try:
        fs, path = filesystem(url)
    except ImportError as exc:  # fsspec names the package the protocol needs
        raise OutputRefused(f"out_dir {url}: {str(exc).splitlines()[0]}") from None
    except ValueError as exc:
        raise OutputRefused(f"out_dir {url}: {str(exc).splitlines()[0]}") from None
    if path in ("", "/"):
        raise OutputRefused(f"out_dir {url} is the root of its file system; give a folder inside it")
    return fs, path


def _exists(fs, path: str, url: str) -> bool:
    try:
        return fs.exists(path)
    except Exception as exc:  # credentials, network, permissions: whatever the file system says, in one line
        raise OutputRefused(f"cannot reach out_dir {url}: {str(exc).splitlines()[0] or type(exc).__name__}") from None


def staging_path(path: str) -> str:
    parent, _, name = path.rpartition("/")
    return f"{parent}/{side_prefix(name)}partial"


def _holds_files(fs, path: str) -> bool:
    """Whether a staging prefix holds any file: one that holds none is what a commit left as it ended (a kill
    just before it removed the emptied prefix), and no run's."""
    try:
        return bool(fs.find(path))
    except FileNotFoundError:
        return False


def check_url_out_dir(url: str, overwrite: bool = False, resume: bool = False) -> None:
    """The rules of a local folder (marker, foreign files, overwrite), and no second run into the same URL."""
    fs, path = open_url(url)
    staging = staging_path(path)
    check_inside_results(url)
    if _exists(fs, staging, url) and not resume and _holds_files(fs, staging):
        raise OutputRefused(
            f"out_dir {url}: {fs.unstrip_protocol(staging)} exists, so a run into it is under way or was "
            "interrupted (a URL cannot be locked); pass resume=true to complete that run, or remove it if no "
            "run is writing there"
        )
    if not _exists(fs, path, url):
        return
    if not fs.isdir(path):
        raise OutputRefused(f"out_dir {url} is a file; choose a folder")
    entries = {name.rstrip("/").rpartition("/")[2] for name in fs.ls(path, detail=False)}
    record = tool_record(url)
    refuse_foreign(url, entries, record[0] or set(), overwrite, foreign_inside(url, record))


class StagedUrl:
    """The staging prefix of a run into a URL; ``work`` is the local folder the run's small files and report are
    written into, copied to the staging prefix on ``commit()`` before the prefix is moved into place."""

    def __init__(self, url: str, resume: bool = False):
        self.target = url
        self.fs, self.root = open_url(url)
        self.staging = staging_path(self.root)
        if not resume and self.fs.exists(self.staging):
            self.fs.rm(self.staging, recursive=True)
        self.path = self.fs.unstrip_protocol(self.staging)
        self._work: tempfile.TemporaryDirectory | None = None

    @property
    def work(self) -> Path:
        if self._work is None:
            self._work = tempfile.TemporaryDirectory(prefix="sim-report-")
            # the report's readers follow this link to the dataset at the URL
            (Path(self._work.name) / RESULTS_LINK).write_text(f"{self.path}/results.parquet\n", encoding="utf-8")
        return Path(self._work.name)

    def commit(self, run: dict | None = None):
        fs, staging, root = self.fs, self.staging, self.root
        upload(self.work, fs, staging)
        names = sorted(_listing(fs, staging) | {MARKER})
        marker = {"tool": TOOL, **describe_files(fs, staging, names), **(run or {})}
        _put_json(fs, f"{staging}/{MARKER}", marker)
        self._close_work()
        if not fs.exists(root):
            fs.mv(staging, root, recursive=True)
            return
        record = tool_record(self.target)
        old_files = record[0] or set()
        entries = _listing(fs, root)
        new_files = set(names)
        foreign = sorted((entries - old_files) & new_files) + foreign_inside(self.target, record)
        if foreign:  # checked before the run; someone put a file here since
            raise OutputRefused(f"out_dir {self.target} now holds {_names(foreign)}, which this tool did not write")
        # files a marker without digests (or a manifest alone) lists: perhaps the user's, saved over the tool's
        unproven = unproven_files(fs, root, old_files, fs, staging)
        set_aside(fs, root, unproven, self.target)
        old_files -= set(unproven)
        mark_replacing(fs, root, old_files, marker)
        # the old files that have no new one go while the folder's marker still owns them, and the marker goes
        # last: until then the folder's marker owns the old files and the new ones
        for name in sorted(new_files - {MARKER}):
            dest = f"{root}/{name}"
            if fs.isdir(dest):
                fs.rm(dest, recursive=True)
            fs.mv(f"{staging}/{name}", dest, recursive=True)
        for name in sorted((old_files & entries) - new_files - {MARKER}):
            fs.rm(f"{root}/{name}", recursive=True)
        fs.mv(f"{staging}/{MARKER}", f"{root}/{MARKER}")
        with contextlib.suppress(FileNotFoundError):
            fs.rm(staging, recursive=True)

    def discard(self):
        self._close_work()
        with contextlib.suppress(Exception):
            self.fs.rm(self.staging, recursive=True)

    def _close_work(self):
        if self._work is not None:
            self._work.cleanup()
            self._work = None


def _listing(fs, path: str) -> set[str]:
    return {name.rstrip("/").rpartition("/")[2] for name in fs.ls(path, detail=False)}


def upload(work: Path, fs, root: str, names=None):
    """Copy the working folder's files (or ``names`` among them) to ``root``, each atomically; the link stays."""
    for file in sorted(work.iterdir()):
        if file.name == RESULTS_LINK or (names is not None and file.name not in names):
            continue
        data = file.read_bytes()
        put_file(fs, f"{root}/{file.name}", lambda f, data=data: f.write(data))


