"""The results store: one Parquet table of every replication-month, a manifest, all written atomically.

Everything is written into a hidden staging folder beside the target and moved
into place only when the run has finished, so a failed or interrupted run never
leaves half-written results where the finished ones would be.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.config.names import is_url
from sim.model.outcomes import OUTCOMES, month_dates

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "hydra-core", "omegaconf", "networkx", "tqdm")
PACKAGES += ("fsspec",)


def size_text(size: float) -> str:
    """A number of bytes as a person reads it: ``3.2 GB``, ``45 MB``, ``12 kB``."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}" if size < 10 * scale else f"{size / scale:,.0f} {unit}"
    return f"{size:.0f} bytes"


# what the columns other than the outcomes mean, stored with them (an outcome's unit and meaning come from its
# declaration in sim.model.outcomes): a Parquet file read with any tool says what its numbers are
KEY_COLUMNS = {
    "scenario": ("", "the policy scenario (the levers set), by name"),
    "hypothesis": ("", "the worldview (the causal mechanisms assumed), by name"),
    "replication": ("", "the replication: the same number draws the same shocks and parameters in every cell"),
    "date": (
        "month",
        "the month, stored as its first day; the outcomes are the state at the end of that month (flows: the "
        "month's total)",
    ),
}


def field_metadata(unit: str, description: str, **more: str) -> dict[bytes, bytes]:
    """A Parquet field's metadata: its unit and what it means (``b"unit"``, ``b"description"``)."""
    items = {"unit": unit, "description": description, **more}
    return {k.encode(): str(v).encode("utf-8") for k, v in items.items() if v}


def _key_field(name: str, kind: pa.DataType) -> pa.Field:
    return pa.field(name, kind, metadata=field_metadata(*KEY_COLUMNS[name]))


def results_schema() -> pa.Schema:
    fields = [
        # dictionary-encoded: a handful of names repeated over millions of rows
        _key_field("scenario", pa.dictionary(pa.int32(), pa.string())),
        _key_field("hypothesis", pa.dictionary(pa.int32(), pa.string())),
        _key_field("replication", pa.int32()),
        _key_field("date", pa.timestamp("ms")),
    ]
    fields += [
        pa.field(o.name, pa.int32() if o.integer else pa.float32(), metadata=field_metadata(o.unit, o.description))
        for o in OUTCOMES
    ]
    return pa.schema(fields)


def parquet_options(schema: pa.Schema) -> dict:
    """How results are written: zstd, with the encodings that suit each column.

    Dictionary encoding is kept for the two name columns only; tried on every float column it costs most
    of the write time and gives nothing, since model outcomes rarely repeat. Floats are split into byte
    streams (their sign and exponent bytes compress well) and integers delta-encoded (counts and levels
    change little from month to month).  Measured on a policy-grid chunk: 48 bytes per replication-month
    and a third of a second to write with the defaults; 29 bytes and a tenth of a second like this.
    """
    encodings = {}
    for f in schema:
        if pa.types.is_floating(f.type):
            encodings[f.name] = "BYTE_STREAM_SPLIT"
        elif pa.types.is_integer(f.type):
            encodings[f.name] = "DELTA_BINARY_PACKED"
    dictionary = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    return {"compression": "zstd", "use_dictionary": dictionary, "column_encoding": encodings}


def cell_table(
    record: np.ndarray, scenario: str, hypothesis: str, replications: np.ndarray, start: tuple[int, int]
) -> pa.Table:
    """Long table of one cell: rows ordered by replication, then month."""
    months, _, n = record.shape
    rows = months * n
    columns = [
        _repeated(scenario, rows),
        _repeated(hypothesis, rows),
        pa.array(np.repeat(np.asarray(replications, dtype=np.int32), months)),
        pa.array(np.tile(month_dates(start, months).astype("datetime64[ms]"), n)),
    ]
    for i, o in enumerate(OUTCOMES):
        values = record[:, i, :].T.reshape(-1)
        columns.append(pa.array(np.rint(values).astype(np.int32) if o.integer else values))
    return pa.Table.from_arrays(columns, schema=results_schema())


# per replication, every outcome summarised over the horizon (sim.analysis.effects.replication_summaries):
# written beside each chunk of results by whoever computed it, so tables and analyses need not reread every
# replication-month
SUMMARIES_DIR = "summaries.parquet"


def summaries_schema() -> pa.Schema:
    fields = [
        _key_field("scenario", pa.dictionary(pa.int32(), pa.string())),
        _key_field("hypothesis", pa.dictionary(pa.int32(), pa.string())),
        _key_field("replication", pa.int32()),
    ]
    # summarised over the horizon per replication, as summary.csv does: ``summary`` says how
    fields += [
        pa.field(o.name, pa.float64(), metadata=field_metadata(o.unit, o.description, summary=o.summary))
        for o in OUTCOMES
    ]
    return pa.schema(fields)


def summaries_table(summaries: np.ndarray, scenario: str, hypothesis: str, replications: np.ndarray) -> pa.Table:
    """One row per replication of a chunk: ``summaries`` is (outcomes, replications)."""
    n = summaries.shape[1]
    columns = [
        _repeated(scenario, n),
        _repeated(hypothesis, n),
        pa.array(np.asarray(replications, dtype=np.int32)),
    ]
    columns += [pa.array(summaries[i]) for i in range(len(OUTCOMES))]
    return pa.Table.from_arrays(columns, schema=summaries_schema())


def schema_problem(found: pa.Schema, schema: pa.Schema) -> str | None:
    """A column of ``found`` whose type is not the one ``schema`` gives it, said in words; None if none."""
    for name in found.names:
        if name in schema.names and not found.field(name).type.equals(schema.field(name).type):
            return f"has its column {name} as {found.field(name).type}, not {schema.field(name).type}"
    return None


def chunk_problem(table: pa.Table, schema: pa.Schema, cell: tuple[str, str], replications=None) -> str | None:
    """What makes ``table`` (a chunk as read, of results or summaries) not the chunk the manifest puts in the
    cell ``cell`` for ``replications`` (the replication of each row, None if the manifest does not say), or None.

    A chunk copied from another cell's folder has the same rows and columns; only its names and replications
    tell it apart. A column of another type (a count turned into floats by a NaN, numbers turned into text)
    is not the tool's output either: it is refused rather than cast back."""
    problem = schema_problem(table.schema, schema)
    if problem:
        return problem
    for column, wanted in zip(("scenario", "hypothesis"), cell):
        if column not in table.column_names or not table.num_rows:
            continue
        names = pc.unique(table.column(column).cast(pa.string())).to_pylist()
        if names != [wanted]:
            found = ", ".join(str(n) for n in names[:2]) + (", ..." if len(names) > 2 else "")
            return f"holds the {column} {found} where manifest.json puts {wanted}: copied from another cell"
    if replications is not None and "replication" in table.column_names:
        found = table.column("replication").to_numpy()
        if len(found) != len(replications) or not np.array_equal(found, replications):
            return "holds other replications than manifest.json puts there: copied from another chunk"
    return None


def damaged_chunks(folder, expected: dict, months: int) -> dict[str, str]:
    """Of the chunks an interrupted run kept in its staging folder (or prefix) ``folder``, those that cannot be
    taken as they are, each with what is wrong: a results or summaries file that is not whole Parquet of the
    run's columns and rows (as a crash can leave a file renamed before its bytes reached the disk), or one
    that holds another cell's or chunk's rows (copied there).

    ``expected``: chunk name -> ((scenario, hypothesis), first replication, replications); ``months`` per run."""
    fs, root = filesystem(folder)
    schemas = {"results.parquet": results_schema(), SUMMARIES_DIR: summaries_schema()}
    damaged = {}
    for name, (cell, first, count) in sorted(expected.items()):
        for directory, per_replication in (("results.parquet", months), (SUMMARIES_DIR, 1)):
            path = f"{root}/{directory}/{name}"
            rows = count * per_replication
            try:
                meta = pq.read_metadata(path, filesystem=fs)
                names = meta.schema.to_arrow_schema().names
            except (OSError, ValueError, pa.ArrowException):
                damaged[name] = f"{directory}/{name} is not whole Parquet"
                break
            if names != schemas[directory].names or meta.num_rows != rows:
                damaged[name] = f"{directory}/{name} holds {meta.num_rows} rows, not the {rows} it should"
                break
            try:
                table = pq.read_table(path, columns=["scenario", "hypothesis", "replication"], filesystem=fs)
            except (OSError, ValueError, pa.ArrowException):
                damaged[name] = f"{directory}/{name} is not whole Parquet"
                break
            replications = np.repeat(np.arange(first, first + count, dtype=np.int32), per_replication)
            problem = chunk_problem(table, schemas[directory], cell, replications)
            if problem:
                damaged[name] = f"{directory}/{name} {problem}"
                break
    return damaged


# --- where the store is: a local folder or any fsspec URL --------------------------------------------------

# Object stores show an upload only once it is complete, so a file is put under its final name there;
# on every other file system it is written under a temporary name and then moved into place.
OBJECT_STORES = {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss"}
# in a local working folder: the URL of the results dataset it stands in for (see sim.store.url)
RESULTS_LINK = ".results-url"


def filesystem(location):
    """The file system holding ``location`` (a local path or a URL) and the path inside it, no trailing slash."""
    from fsspec.core import url_to_fs

    fs, path = url_to_fs(str(location))
    return fs, path.rstrip("/") or "/"


def protocols(fs) -> set[str]:
    """The names a file system answers to (``file``, ``local``; ``s3``, ``s3a``; ...)."""
    return {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)


# the longest name a file system takes for one entry of a folder (bytes)
NAME_MAX = 255
# room kept after ``side_prefix`` for what follows it: ``partial``, ``lock``, ``trash-<pid>``, ``<pid>.tmp``
_SIDE_SUFFIX_ROOM = 24


def side_prefix(name: str) -> str:
    """``.<name>.``: how the names of the files and folders the tool keeps beside ``name`` (its lock, its staging
    folder, a file being written) begin.  A name too long for that to fit within NAME_MAX is cut and followed by
    a hash of the whole name, so that two long names never share a staging folder."""
    full = f".{name}."
    if len(full.encode("utf-8")) + _SIDE_SUFFIX_ROOM <= NAME_MAX:
        return full
    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    room = NAME_MAX - _SIDE_SUFFIX_ROOM - len(f".~{tag}.")
    cut = name.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return f".{cut}~{tag}."


def put_file(fs, path: str, write) -> None:
    """Write a file by ``write(binary file)``, so that readers never see it half-written.

    On a local disk the bytes reach the disk before the file takes its name: a machine that crashes (or loses
    power) just after would otherwise leave the name on an empty or partial file."""
    if protocols(fs) & OBJECT_STORES:
        with fs.open(path, "wb") as f:
            write(f)
        return
    parent, _, name = path.rpartition("/")
    fs.makedirs(parent or "/", exist_ok=True)
    partial = f"{parent}/{side_prefix(name)}{os.getpid()}.tmp"
    if "file" in protocols(fs):
        with open(partial, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.rename(partial, path)  # on POSIX, replaces a file of that name in one step
        sync_folder(parent or "/")
        return
    with fs.open(partial, "wb") as f:
        write(f)
    fs.mv(partial, path)


def sync_folder(folder) -> None:
    """Make a folder's entries (a rename into it) durable; a file system that cannot is left as it is."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` to the disk: before it is renamed into place."""
    for base, dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            if os.path.islink(path) or not os.path.isfile(path):  # the tool writes plain files only
                continue
            with contextlib.suppress(OSError):
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        sync_folder(base)


def is_unfinished_write(name: str) -> bool:
    """A file name of put_file's temporary files: left behind only by a process killed while writing."""
    return name.startswith(".") and name.endswith(".tmp")


def put_table(fs, path: str, table: pa.Table) -> None:
    put_file(fs, path, lambda f: pq.write_table(table, f, **parquet_options(table.schema)))


def dataset_location(folder):
    """The file system and path of a folder's results dataset; a working folder's link leads to it elsewhere."""
    fs, root = filesystem(folder)
    path = f"{root}/results.parquet"
    link = f"{root}/{RESULTS_LINK}"
    if not fs.exists(path) and fs.isfile(link):
        return filesystem(fs.cat_file(link).decode("utf-8").strip())
    return fs, path


MARKER = ".sim-results.json"
TOOL = "sim"
# Names a run may write at the top of a results folder; a user's file of such a name is never replaced,
# so with overwrite=true such a file is refused before the run rather than found in the way after it.
OUTPUT_NAMES = (
    "summary.csv",
    "comparison.txt",
    "config.yaml",
    "manifest.json",
    "report.md",
    "rank_flips.csv",
    "worldview_weights.csv",
    "value_of_information.csv",
    "results",
    "figures",
    SUMMARIES_DIR,
)
OUTPUT_PREFIXES = ("hindcast.", "robustness.", "sensitivity.", "discovery.", "backtest.")
OUTPUT_SUFFIXES = (".parquet", ".png")


# what a file of the user's the tool found under one of its names, with no record that it wrote it, is renamed to
# (``summary.csv.user-1``): never one of the names a run writes
_SET_ASIDE = re.compile(r".+\.user-\d+")


# the figures a run or its report draws at the top of a results folder (a user's own PNG, such as
# experiments/headline_figure.py draws there, is another name and stays beside them)
FIGURE_PREFIXES = (
    "effects_", "fan_", "hindcast", "backtest", "discovery", "regret_", "morris_", "sobol_", "sensitivity", "robustness"
)


def run_writes(name: str) -> bool:
    """Whether a run may write a file of this name at the top of its folder: its own names, any Parquet dataset,
    and its figures (not every PNG: a figure a user draws from the results is theirs)."""
    if _SET_ASIDE.fullmatch(name):
        return False
    if name.endswith(".png"):
        return name.startswith(FIGURE_PREFIXES)
    return _might_write(name)


def _might_write(name: str) -> bool:
    if _SET_ASIDE.fullmatch(name):
        return False
    return name in OUTPUT_NAMES or name.startswith(OUTPUT_PREFIXES) or name.endswith(OUTPUT_SUFFIXES)


def _owned_names(names, recorded=()) -> set[str]:
    """Of the names a marker or manifest lists, those the tool can own: its marker, names a run writes, and
    ``recorded`` (files whose digest the marker holds: the tool wrote them, whatever their name).  A list that
    names anything else (``notes.txt``: edited by hand, or by something else) does not make that file the
    tool's."""
    return {str(n) for n in names if str(n) == MARKER or _might_write(str(n)) or str(n) in recorded}


class OutputRefused(ValueError):
    """The results folder cannot be written without risking someone's files; one line says why."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def tool_files(folder) -> set[str] | None:
    """Top-level names the tool wrote into ``folder`` (marker included), or None if it holds no results of ours.

    A folder is ours when it holds the marker, which lists every file of the run.  A folder written
    before the marker existed is recognised by a manifest that names this tool's files.  ``folder``
    is a local path or a URL.
    """
    return tool_record(folder)[0]


def tool_record(folder) -> tuple[set[str] | None, dict]:
    """``tool_files`` of ``folder`` and the files inside its folders the marker records, worked out once: each
    reading checks the digest of every file the tool owns there."""
    return _tool_record(*filesystem(folder))


def _read_marker(fs, root: str) -> dict | None:
    """The folder's marker, if it is this tool's; None if there is none or it is someone else's."""
    data = json.loads(fs.cat_file(f"{root}/{MARKER}").decode("utf-8"))
    return data if isinstance(data, dict) and data.get("tool") == TOOL else None


def _put_json(fs, path: str, data: dict) -> None:
    put_file(fs, path, lambda f: f.write((json.dumps(data, indent=2) + "\n").encode("utf-8")))


def _tool_record(fs, root: str) -> tuple[set[str] | None, dict]:
    """``tool_files`` of the folder at ``root``, and the files inside its folders that the marker records
    (``tool_contents``; empty for a marker or manifest that predates that record).

    A file the marker names but whose bytes are no longer those the tool wrote (its digest differs: someone
    saved their own file under that name) is not the tool's: it is left out, so that no run or report
    replaces it.
    """
    try:
        if fs.isfile(f"{root}/{MARKER}"):
            data = _read_marker(fs, root)
            if data is not None and isinstance(data.get("files"), list):
                contents = data.get("contents")
                contents = contents if isinstance(contents, dict) else {}
                contents = {k: v for k, v in contents.items() if k in _owned_names([k])}
                digests = data.get("digests")
                digests = digests if isinstance(digests, dict) else None
                changed = _changed_files(fs, root, digests, contents) if digests is not None else set()
                return _owned_names(data["files"], digests or {}) - changed | {MARKER}, contents
            return None, {}
        if fs.isfile(f"{root}/manifest.json"):
            data = json.loads(fs.cat_file(f"{root}/manifest.json").decode("utf-8"))
            files = data.get("files") if isinstance(data, dict) else None
            if isinstance(files, list) and "experiment" in data and "results.parquet" in files:
                return _owned_names(files), {}
    except (OSError, ValueError, UnicodeDecodeError):
        return None, {}
    return None, {}


def _entry_kind(fs, path: str) -> str | None:
    """'file', 'directory', 'link' or 'other' (a FIFO, a device), not following a link; None if nothing is there."""
    if "file" in protocols(fs):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return None
        if stat.S_ISLNK(mode):
            return "link"
        return "file" if stat.S_ISREG(mode) else "directory" if stat.S_ISDIR(mode) else "other"
    try:
        return fs.info(path).get("type")
    except FileNotFoundError:
        return None


def _sha256(fs, path: str) -> str:
    """SHA-256 of a file, read a block at a time: a large file is hashed in little memory."""
    h = hashlib.sha256()
    with fs.open(path, "rb") as f:
        while block := f.read(1 << 22):
            h.update(block)
    return h.hexdigest()


def _digest(fs, path: str) -> str:
    """``<bytes>:<sha256>`` of a file, as the marker records it."""
    return f"{fs.size(path)}:{_sha256(fs, path)}"


def _matches(fs, path: str, recorded) -> bool:
    """Whether the file holds one of the ``recorded`` digests; a file of another size is not read at all."""
    recorded = [str(d) for d in (recorded if isinstance(recorded, list) else [recorded])]
    size = str(fs.size(path))
    # a bare SHA-256 (a marker written before sizes were recorded) is compared as it is
    if not any(d.partition(":")[0] == size or ":" not in d for d in recorded):
        return False
    sha = _sha256(fs, path)
    return f"{size}:{sha}" in recorded or sha in recorded


def tool_digests(fs, root: str, names) -> dict[str, str]:
    """Size and SHA-256 of each of ``names`` that is a file (the marker aside): recorded in the marker, so that a
    file someone later saves under one of the tool's names (their own comparison.txt) is known as theirs."""
    return {
        name: _digest(fs, f"{root}/{name}")
        for name in sorted(names)
        if name != MARKER and _entry_kind(fs, f"{root}/{name}") == "file"
    }


def _changed_files(fs, root: str, digests: dict, contents: dict) -> set[str]:
    """Names the marker records whose entry no longer holds what the tool wrote there.

    The tool writes only plain files and folders, so a link, a FIFO or a device under one of its names is
    someone else's, as is a file whose digest differs or a file where the tool's folder was.
    """
    changed = set()
    for name, recorded in digests.items():
        kind = _entry_kind(fs, f"{root}/{name}")
        if kind is not None and (kind != "file" or not _matches(fs, f"{root}/{name}", recorded)):
            changed.add(str(name))
    for name in contents:
        if _entry_kind(fs, f"{root}/{name}") not in (None, "directory"):
            changed.add(str(name))
    return changed


def describe_files(fs, root: str, names) -> dict:
    """What a marker records of ``names`` in the folder at ``root``: the names, the files inside those that are
    folders, and the digest of those that are files."""
    return {
        "files": sorted(names),
        "contents": tool_contents(fs, root, names),
        "digests": tool_digests(fs, root, names),
    }


def mark_replacing(fs, root: str, owned: set[str], new: dict) -> None:
    """Before a commit replaces the tool's files in ``root`` one by one: a marker that owns both the old files
    and the new ones (either digest), flagged ``replacing``.  A run killed midway leaves a folder whose every
    file is still the tool's, which the next run replaces whole, and which no reader takes for results.

    ``owned``: the folder's ``tool_files``; their digests are taken as the files are now, since a marker written
    before digests (or a manifest alone) records none.
    """
    old = describe_files(fs, root, owned - {MARKER})
    digests = {name: [digest] for name, digest in old["digests"].items()}
    for name, digest in new["digests"].items():
        digests.setdefault(name, []).append(digest)
    contents = {
        name: sorted(set(old["contents"].get(name, [])) | set(new["contents"].get(name, [])))
        for name in sorted(old["contents"].keys() | new["contents"].keys())
    }
    files = sorted(set(old["files"]) | set(new["files"]))
    _put_json(
        fs,
        f"{root}/{MARKER}",
        {"tool": TOOL, "files": files, "contents": contents, "digests": digests, "replacing": True},
    )


def unproven_files(fs, root: str, names, new_fs=None, new_root: str | None = None) -> list[str]:
    """Of ``names`` (files the folder's marker or manifest lists as the tool's), the plain files for which it
    records no digest: a marker written before digests, or a manifest alone, lists names but cannot tell the
    tool's file from one someone saved under that name since.  Such a file is set aside, never replaced.

    ``new_root`` (in ``new_fs``): where the files that are to replace them are; one whose bytes are the same as
    its replacement's (a report rebuilt unchanged) loses nothing when replaced, and is not counted."""
    found = _unproven(fs, root, names)
    if new_root is None:
        return found
    new_fs = new_fs or fs
    return [n for n in found if not _same_bytes(fs, f"{root}/{n}", new_fs, f"{new_root}/{n}")]


def _same_bytes(fs, path: str, other_fs, other: str) -> bool:
    try:
        if _entry_kind(other_fs, other) != "file" or fs.size(path) != other_fs.size(other):
            return False
        return _sha256(fs, path) == _sha256(other_fs, other)
    except OSError:
        return False


def _unproven(fs, root: str, names) -> list[str]:
    try:
        data = _read_marker(fs, root) if fs.isfile(f"{root}/{MARKER}") else None
    except (OSError, ValueError, UnicodeDecodeError):
        data = None
    digests = (data or {}).get("digests")
    digests = digests if isinstance(digests, dict) else {}
    return sorted(
        n for n in names if n != MARKER and n not in digests and _entry_kind(fs, f"{root}/{n}") == "file"
    )


def set_aside(fs, root: str, names, folder=None) -> list[str]:
    """Rename each of ``names`` in the folder at ``root`` to a free ``<name>.user-<n>``, and say so in one line
    on stderr (``folder``: the folder as the user named it).  Returns the new names."""
    moved = []
    for name in sorted(names):
        n = 1
        while _entry_kind(fs, f"{root}/{name}.user-{n}") is not None:
            n += 1
        fs.mv(f"{root}/{name}", f"{root}/{name}.user-{n}")
        moved.append(f"{name}.user-{n}")
    if moved:
        pairs = ", ".join(f"{a} as {b}" for a, b in zip(sorted(names), moved))
        print(
            f"note: {folder or root}: set aside {pairs}; nothing records that this tool wrote "
            f"{'them' if len(moved) > 1 else 'it'}, so {'they are' if len(moved) > 1 else 'it is'} kept",
            file=sys.stderr,
            flush=True,
        )
    return moved


def being_replaced(fs, root: str) -> bool:
    """Whether a commit into the folder at ``root`` was cut short (its marker still says ``replacing``)."""
    try:
        data = _read_marker(fs, root)
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return False
    return data is not None and bool(data.get("replacing"))


def tool_contents(fs, root: str, names) -> dict[str, list[str]]:
    """The files inside each of ``names`` that is a folder, relative to it: recorded in the marker, so that a
    file someone puts inside one of the tool's folders (results.parquet/NOTES.txt) is known as theirs."""
    contents = {}
    for name in sorted(names):
        base = f"{root}/{name}"
        if name != MARKER and fs.isdir(base):
            contents[name] = sorted(path[len(base) + 1 :] for path in fs.find(base))
    return contents


def foreign_inside(folder, record: tuple[set[str] | None, dict] | None = None) -> list[str]:
    """Files inside the tool's own folders of ``folder`` (results.parquet/, ...) that the tool did not write,
    as ``results.parquet/NOTES.txt``.  A marker that predates the record of contents vouches for Parquet files
    only, the one kind the tool writes in its folders.  ``record``: the folder's ``tool_record``, if the
    caller has it already."""
    fs, root = filesystem(folder)
    ours, recorded = record if record is not None else _tool_record(fs, root)
    ours = ours or set()
    foreign = []
    for name in sorted(ours - {MARKER}):
        base = f"{root}/{name}"
        if not fs.isdir(base):
            continue
        known = set(recorded.get(name, ()))
        for path in fs.find(base):
            inner = path[len(base) + 1 :]
            if inner not in known and not (name not in recorded and inner.endswith(".parquet")):
                foreign.append(f"{name}/{inner}")
    return foreign


def add_tool_files(folder, names) -> None:
    """Record files the tool has just written into one of its results folders (e.g. a regenerated report)."""
    fs, root = filesystem(folder)
    marker = f"{root}/{MARKER}"
    if fs.isfile(marker):
        data = json.loads(fs.cat_file(marker).decode("utf-8"))
    else:  # a folder known by its manifest alone: it gets a marker, which from now on records what is whose
        owned = tool_files(folder)
        if owned is None:
            return
        data = {"tool": TOOL, "files": sorted(owned)}
    data["files"] = sorted(set(data.get("files", [])) | set(names) | {MARKER})
    # the files just written are the tool's beyond doubt: their digests are recorded, even in a marker that
    # recorded none, so that a later run or report knows them from a file saved over them
    digests = data.get("digests") if isinstance(data.get("digests"), dict) else {}
    data["digests"] = dict(sorted({**digests, **tool_digests(fs, root, names)}.items()))
    _put_json(fs, marker, data)


def _names(paths) -> str:
    paths = sorted(paths)
    shown = ", ".join(paths[:4])
    return shown + (f" and {len(paths) - 4} more" if len(paths) > 4 else "")


def check_out_dir(out_dir: Path, overwrite: bool = False) -> None:
    """Refuse a folder the run could not fill without touching files the tool did not write."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink() and not out_dir.exists():
        raise OutputRefused(f"out_dir {out_dir} is a link to a folder that does not exist; fix or remove the link")
    real = out_dir.resolve()
    if real == real.parent:
        raise OutputRefused(f"out_dir {out_dir} is the root of the file system; give a folder inside it")
    check_inside_results(real, out_dir)
    check_staging_free(out_dir)
    if not out_dir.exists():
        parent = _existing_ancestor(out_dir.resolve().parent)
        if not parent.is_dir():
            raise OutputRefused(
                f"cannot create out_dir {out_dir}: {parent} is a file, not a folder; choose another folder"
            )
        if not _writable(parent):
            raise OutputRefused(f"cannot create out_dir {out_dir}: {parent} is write-protected; choose another folder")
        return
    if not out_dir.is_dir():
        raise OutputRefused(f"out_dir {out_dir} is a file; choose a folder")
    real = out_dir.resolve()
    for folder in (real, real.parent):
        if not _writable(folder):
            raise OutputRefused(
                f"out_dir {out_dir}: {folder} is not writable (write-protected?); choose another folder "
                "or change its permissions"
            )
    try:
        entries = {e.name for e in real.iterdir()}
    except OSError as exc:
        raise OutputRefused(f"cannot read out_dir {out_dir}: {exc.strerror or exc}") from None
    record = tool_record(real)
    ours = record[0]
    if ours is None and _is_sweep_folder(real):
        raise OutputRefused(
            f"out_dir {out_dir} holds a sweep's jobs (its {SWEEP_MARKER}); give one of its job folders, or choose "
            "another folder"
        )
    # a sweep of the tool's into <out_dir>/multirun, which a run never writes into or removes
    sweeps = {name for name in entries - (ours or set()) if _is_sweep_folder(real / name)}
    return refuse_foreign(
        out_dir, entries, ours or set(), overwrite, foreign_inside(real, record), ours is not None, sweeps
    )


def _listed_names(fs, root: str) -> set[str]:
    """The names a folder's marker or manifest lists as the tool's, read without checking a digest: enough to
    know whether a path goes through one of a results folder's own entries."""
    for name in (MARKER, "manifest.json"):
        try:
            if not fs.isfile(f"{root}/{name}"):
                continue
            data = json.loads(fs.cat_file(f"{root}/{name}").decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("files"), list):
            if name == MARKER and data.get("tool") != TOOL:
                continue
            if name == "manifest.json" and "experiment" not in data:
                continue
            return _owned_names(data["files"]) - {MARKER}
    return set()


def check_inside_results(location, out_dir=None) -> None:
    """Refuse an out_dir (at ``location``: its real path, or a URL) inside one of a results folder's own entries
    (its results.parquet, ...): a run there would put files where that folder's readers expect only its own."""
    out_dir = location if out_dir is None else out_dir
    fs, path = filesystem(location)
    parts = path.strip("/").split("/")
    prefix = "/" if path.startswith("/") else ""
    for depth in range(len(parts) - 1, 0, -1):
        folder = prefix + "/".join(parts[:depth])
        if parts[depth] in _listed_names(fs, folder):
            where = fs.unstrip_protocol(folder) if is_url(location) else folder
            raise OutputRefused(
                f"out_dir {out_dir} is inside {parts[depth]} of the results folder {where}, which holds that "
                "folder's own results; choose a folder outside it"
            )


def refuse_foreign(
    out_dir, entries: set, ours: set, overwrite: bool, inside=(), tool_folder: bool = False, sweeps=frozenset()
) -> list[str]:
    """The rule for a folder that holds files: only beside the tool's own, or with overwrite=true under no name
    a run may write.  ``inside``: files someone put inside the tool's own folders, which a run replaces whole,
    so they are refused even with overwrite=true.

    A folder the tool made (``tool_folder``: it holds the tool's results) or one holding only the tool's sweeps
    (``sweeps``: folders of ``entries`` a sweep of the tool's made) is run into again without overwrite=true:
    the run replaces its own files only, and the others (a user's notes, a figure drawn from the results, the
    sweeps) stay where they are.  Only a file under a name the run writes is refused.  Returns the names left
    alone, for the caller to say so."""
    if inside:
        raise OutputRefused(
            f"out_dir {out_dir} holds {_names(inside)}, not written by this tool, inside a folder the run "
            "replaces; move them out or choose another folder"
        )
    foreign = entries - ours
    if not foreign:
        return []
    if tool_folder or foreign <= set(sweeps):
        clashing = [n for n in foreign - set(sweeps) if run_writes(n)]
        if clashing:
            raise OutputRefused(
                f"out_dir {out_dir} holds {_names(clashing)}, not written by this tool, under names a run "
                "writes; move them or choose another folder"
            )
        return sorted(foreign)
    if not overwrite:
        raise OutputRefused(
            f"out_dir {out_dir} holds files this tool did not write ({_names(foreign)}); choose an empty or new "
            "folder, or pass overwrite=true to write beside them (they are kept)"
        )
    clashing = [n for n in foreign if _might_write(n)]
    if clashing:
        raise OutputRefused(
            f"out_dir {out_dir} holds {_names(clashing)}, not written by this tool, under names a run may write; "
            "move them or choose another folder"
        )
    return sorted(foreign)


SWEEP_MARKER = ".sim-sweep.json"
# what Hydra and its launchers write at the top of a sweep's folder, besides the jobs' folders
SWEEP_FILES = ("multirun.yaml", ".submitit")
# what a run leaves beside its results folder while it writes: its lock, staging and swap folders
_WORKING_ENTRY = re.compile(r"\..+\.(lock|partial|(partial|old|trash)-\d+)")


def check_sweep_dir(folder: Path, jobs: set[str], overwrite: bool = False) -> None:
    """Refuse a sweep's folder that holds files neither a sweep of this tool nor its jobs wrote.

    A folder a sweep of this tool made carries SWEEP_MARKER; besides what Hydra writes there, it may hold
    results folders of the tool (earlier jobs), and this sweep's job folders, which each job checks itself.
    With overwrite=true other files may stay beside them, but Hydra's multirun.yaml replaces a file of that
    name, so one the tool did not write is refused even then.
    """
    folder = Path(folder)
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutputRefused(f"out_dir {folder} is a file; a sweep needs a folder")
    ours = set(jobs)
    if _is_sweep_folder(folder):
        ours |= {SWEEP_MARKER, *SWEEP_FILES}
    foreign = []
    for entry in folder.iterdir():
        if entry.name in ours or _WORKING_ENTRY.fullmatch(entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink() and tool_files(entry) is not None:
            continue
        foreign.append(entry.name)
    if not foreign:
        return
    if not overwrite:
        raise OutputRefused(
            f"out_dir {folder} holds files this tool's sweeps did not write ({_names(foreign)}); choose an empty "
            "or new folder for the sweep, or pass overwrite=true to write beside them (they are kept)"
        )
    clashing = [n for n in foreign if n in SWEEP_FILES]
    if clashing:
        raise OutputRefused(
            f"out_dir {folder} holds {_names(clashing)}, not written by this tool, which the sweep would replace; "
            "move it or choose another folder"
        )


def _is_sweep_folder(folder: Path) -> bool:
    try:
        return json.loads((folder / SWEEP_MARKER).read_text(encoding="utf-8")).get("tool") == TOOL
    except (OSError, ValueError, AttributeError):
        return False


def mark_sweep_dir(folder: Path) -> None:
    """Make the sweep's folder, carrying SWEEP_MARKER, before Hydra writes into it."""
    folder = Path(folder)
    if _is_sweep_folder(folder):
        return
    folder.mkdir(parents=True, exist_ok=True)
    marker = {"tool": TOOL, "files": [SWEEP_MARKER, *SWEEP_FILES]}
    (folder / SWEEP_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _writable(folder: Path) -> bool:
    """Writable, and not marked read-only by its owner (root may write anywhere, but a user's 'chmod a-w' is
    a statement that the folder is to be kept as it is)."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return os.access(folder, os.R_OK | os.W_OK | os.X_OK) and bool(mode & stat.S_IWUSR)


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


class RunLock:
    """One run per results folder at a time: an advisory lock on a hidden file beside the folder.

    The lock file holds the owner's process id so that a second run can name it.  It is removed
    when the run ends; a file left by a killed run is free again, since the kernel drops the lock.
    """

    def __init__(self, target: Path):
        real = Path(target).resolve()
        self.target = Path(target)
        self.path = real.parent / f"{side_prefix(real.name)}lock"
        self._fd: int | None = None
        self._made: list[Path] = []  # folders made for the lock, deepest first

    def acquire(self):
        missing = self.path.parent
        while not missing.exists():
            self._made.append(missing)
            missing = missing.parent
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
                os.close(fd)
                raise OutputRefused(
                    f"another run (process {owner}) is writing to {self.target}; wait for it to finish or choose "
                    "another out_dir"
                ) from None
            # the previous owner may have removed the file between our open and our lock: lock the file
            # that is at the path now, or two runs could each hold a lock on a different file
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def release(self):
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = None
        # a run that failed or was stopped before its folder existed leaves no empty folders behind it
        for folder in self._made:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def partial_path(target: Path) -> Path:
    real = Path(target).resolve()
    return real.parent / f"{side_prefix(real.name)}partial"


# put in a staging folder (``.<out_dir>.partial``, ``.trash-<pid>``) as the tool makes it: a folder of such a
# name is removed as the tool's only if it carries this, or, for the previous results set aside during a commit
# (``.old-<pid>``), the tool's marker naming everything in it
STAGING_TAG = ".sim-staging"


def is_tool_staging(folder: Path) -> bool:
    """Whether a folder of a staging name is the tool's: it carries the tag, or only files the tool's marker there
    names, or nothing at all (a commit removes its emptied staging folder last; an empty folder holds nothing
    anyone could lose)."""
    if (folder / STAGING_TAG).is_file() or _empty_folder(folder):
        return True
    ours = tool_files(folder)
    if ours is None:
        return False
    try:
        return {e.name for e in folder.iterdir()} <= ours
    except OSError:
        return False


def _make_staging(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    (folder / STAGING_TAG).touch()


def check_staging_free(out_dir) -> None:
    """Refuse a folder of the name a run into ``out_dir`` keeps its unfinished chunks under, unless the tool made it."""
    partial = partial_path(out_dir)
    if (partial.exists() or partial.is_symlink()) and (partial.is_symlink() or not is_tool_staging(partial)):
        raise OutputRefused(
            f"{partial} is in the way: a run into out_dir {out_dir} keeps its unfinished chunks under that name, "
            "and this tool did not make it; move it away or choose another out_dir"
        )


def remove_stale_staging(target: Path):
    """Remove staging folders that runs into ``target`` left when they were killed (their process is gone); the
    previous results a commit had set aside go back in place if the new ones never arrived.

    Called while holding the folder's lock, so no live run of this version can own them.
    """
    real = Path(target).resolve()
    prefix = side_prefix(real.name)
    removed = []
    if not real.parent.is_dir():
        return removed
    for entry in real.parent.iterdir():
        name = entry.name
        if not name.startswith(prefix) or not entry.is_dir() or entry.is_symlink():
            continue
        kind, _, pid = name[len(prefix) :].partition("-")
        if kind not in ("partial", "old", "trash") or not pid.isdigit():
            continue
        if int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        if not is_tool_staging(entry):  # a folder of the user's that happens to have such a name
            continue
        if kind == "old" and not real.is_symlink() and (not real.exists() or _empty_folder(real)):
            # killed between setting the previous results aside and moving the new ones in: put them back,
            # so the folder holds what it held before that run, as for any run stopped before its commit
            # (in a sweep, Hydra has made the job's folder again, empty, before the job starts)
            if real.exists():
                real.rmdir()
            entry.rename(real)
            continue
        remove_tool_folder(entry)
        removed.append(entry)
    return removed


def remove_tool_folder(folder: Path) -> None:
    """Remove a staging or set-aside folder of the tool's, the entry that shows it is the tool's (its tag or its
    marker) last: a kill midway leaves a folder the next run still knows as the tool's and removes."""
    last = [folder / STAGING_TAG, folder / MARKER]
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return
    for entry in entries:
        if entry in last:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
    for entry in last:
        with contextlib.suppress(FileNotFoundError):
            entry.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def _empty_folder(folder: Path) -> bool:
    try:
        return folder.is_dir() and not any(folder.iterdir())
    except OSError:
        return False


def _repeated(name: str, rows: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array([name], pa.string()))


PARAMETERS_FILE = "parameters.parquet"


def parameters_table(replications, drawn: dict, hypothesis: str | None = None) -> pa.Table:
    """One row per replication: ``replication`` and one column per drawn parameter, in name order; with
    ``hypothesis`` (uncertainty=matched, where each worldview draws its own points) a ``hypothesis`` column first."""
    columns = {"replication": pa.array(np.asarray(replications, dtype=np.int32))}
    if hypothesis is not None:
        columns = {"hypothesis": pa.array([hypothesis] * len(columns["replication"])), **columns}
    for name in sorted(drawn):
        columns[name] = pa.array(np.asarray(drawn[name], dtype=np.float64))
    return pa.table(columns)


def write_parameters(path: Path, table: pa.Table):
    """parameters.parquet: a table of parameters_table's rows (one or more of them, concatenated)."""
    pq.write_table(table, Path(path) / PARAMETERS_FILE, **parquet_options(table.schema))


class StagedOutput:
    """A staging folder whose files replace the run's own files in ``target`` on ``commit()``.

    Files the tool did not write are never touched: when the target holds nothing else, the
    staging folder takes its place in one rename; otherwise each of the tool's files is replaced
    one by one and the rest stay where they were.  A symbolic link to a folder is written through.
    """

    def __init__(self, target: Path, resume: bool = False):
        """``resume``: keep what an interrupted run into the same target left in the staging folder."""
        self.target = Path(target)
        self.real = self.target.resolve()
        check_staging_free(self.target)
        self.real.parent.mkdir(parents=True, exist_ok=True)
        # one name per target: the folder's lock makes this run its only writer, and a resumed run finds it
        self.path = partial_path(self.real)
        if self.path.exists() and not resume:
            remove_tool_folder(self.path)
        _make_staging(self.path)
        self._writer: pq.ParquetWriter | None = None

    def append_results(self, table: pa.Table):
        if self._writer is None:
            schema = results_schema()
            self._writer = pq.ParquetWriter(self.path / "results.parquet", schema, **parquet_options(schema))
        self._writer.write_table(table)

    def close_results(self):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _write_marker(self, run: dict):
        files = sorted(set(e.name for e in self.path.iterdir()) - {STAGING_TAG} | {MARKER})
        fs, root = filesystem(self.path)
        marker = {"tool": TOOL, **describe_files(fs, root, files), **run}
        (self.path / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        return marker

    def commit(self, run: dict | None = None):
        self.close_results()
        marker = self._write_marker(run or {})
        # every file on the disk before any takes its place: a crash just after a rename leaves no empty file
        sync_tree(self.path)
        # from here the marker names everything in the folder: the tag is not needed, and not a result
        (self.path / STAGING_TAG).unlink(missing_ok=True)
        real = self.real
        if not real.exists():
            self.path.rename(real)
            sync_folder(real.parent)
            return
        fs, root = filesystem(real)
        record = tool_record(real)
        old_files = record[0] or set()
        inside = foreign_inside(real, record)
        if inside:  # checked before the run; someone put a file here since
            raise OutputRefused(f"out_dir {self.target} now holds {_names(inside)}, which this tool did not write")
        entries = {e.name for e in real.iterdir()}
        new_files = {e.name for e in self.path.iterdir()}
        foreign = (entries - old_files) & new_files
        if foreign:  # checked before the run; someone put a file here since
            raise OutputRefused(f"out_dir {self.target} now holds {_names(foreign)}, which this tool did not write")
        # files a marker without digests (or a manifest alone) lists: perhaps the user's, saved over the tool's
        unproven = unproven_files(fs, root, old_files, fs, str(self.path))
        if unproven:
            set_aside(fs, root, unproven, self.target)
            old_files -= set(unproven)
            entries = {e.name for e in real.iterdir()}
        if entries <= old_files and not self.target.is_symlink():
            # nothing but our own earlier results: swap the whole folder in one step
            old = real.parent / f"{side_prefix(real.name)}old-{os.getpid()}"
            real.rename(old)
            self.path.rename(real)
            sync_folder(real.parent)
            remove_tool_folder(old)
            return
        trash = real.parent / f"{side_prefix(real.name)}trash-{os.getpid()}"
        _make_staging(trash)
        mark_replacing(fs, root, old_files, marker)
        # the old files that have no new one go while the folder's marker still owns them, and the marker goes
        # last: until then the folder's marker owns the old files and the new ones
        for name in sorted(new_files - {MARKER}):
            dest = real / name
            if dest.is_dir() and not dest.is_symlink():
                dest.rename(trash / name)
            os.replace(self.path / name, dest)
        for name in sorted((old_files & entries) - new_files - {MARKER}):
            (real / name).rename(trash / name)
        os.replace(self.path / MARKER, real / MARKER)
        sync_folder(real)
        # the emptied staging folder before the old files: a kill while they are removed leaves nothing in the
        # way of the next run (the trash keeps its tag until last, so the next run removes it)
        self.path.rmdir()
        remove_tool_folder(trash)

    def discard(self):
        with contextlib.suppress(Exception):
            self.close_results()
        remove_tool_folder(self.path)


@contextlib.contextmanager
def stops_deferred():
    """Hold stop requests (Ctrl-C, SIGTERM, SIGHUP) while the block runs, then act on the first as it would have.

    Around a commit, which takes a second or so: a stop midway would leave a folder half replaced, and a
    message that could say neither what was kept nor what was replaced.  Only a kill -9 cuts it short (the
    folder's marker still owns every file then; see ``mark_replacing``).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread gets signals' handlers
        yield
        return
    kinds = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    previous = {kind: signal.getsignal(kind) for kind in kinds}
    noted: list[int] = []

    def note(signum, frame):
        noted.append(signum)

    for kind in kinds:
        if previous[kind] not in (signal.SIG_IGN, None):
            signal.signal(kind, note)
    try:
        yield
    finally:
        for kind in kinds:
            signal.signal(kind, previous[kind])
    if noted:
        _act_on(noted[0], previous[noted[0]])


def _act_on(signum: int, handler) -> None:
    import signal

    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def package_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state() -> dict:
    root = Path(__file__).resolve().parents[2]

    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip() != ""
        return {"commit": head.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def write_manifest(path: Path, manifest: dict):
    manifest = {
        **manifest,
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        "packages": package_versions(),
        "git": git_state(),
    }
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
