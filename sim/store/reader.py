"""Reading a results folder back: the manifest, the results per cell, and the drawn parameters.

Every table, figure and report is computed from what this module reads, never from a run in memory,
so a report regenerated later from the folder alone is the same as the one the run wrote.  A folder is a
local path or a URL (any fsspec file system); both are read through the same calls.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from sim.config.names import is_url
from sim.model.outcomes import OUTCOME, OUTCOME_INDEX, OUTCOMES, month_dates, replication_summaries
from sim.model.outcomes import OUTCOME_INDEX as OUTCOME_POSITION
from sim.store.files import (
    PARAMETERS_FILE,
    SUMMARIES_DIR,
    being_replaced,
    chunk_problem,
    dataset_location,
    filesystem,
    results_schema,
    schema_problem,
    summaries_schema,
)

RESULTS_FILE = "results.parquet"
MANIFEST_FILE = "manifest.json"
# a chunk's path in a dataset, as the engine names it (``sim.run.engine.Task.name``)
CHUNK_NAME = re.compile(r"cell-\d+/chunk-\d+\.parquet")


def tidy(frame: pd.DataFrame, scenarios: list, hypotheses: list, start: tuple[int, int]) -> pd.DataFrame:
    """Scenario and hypothesis as categoricals in the experiment's order; ``date`` as a month period (the
    outcomes are the state at the end of that month), ``month`` (0 = first) beside it.

    The store keeps a month as the timestamp of its first day (every folder, old or new); a month period
    says what is meant, where a first-of-month timestamp read as the state on that day would be a month early.
    """
    for name, order in (("scenario", scenarios), ("hypothesis", hypotheses)):
        if name in frame:
            frame[name] = pd.Categorical(frame[name].astype(str), categories=order)
    if "date" in frame and not isinstance(frame["date"].dtype, pd.PeriodDtype):
        months = frame["date"].to_numpy().astype("datetime64[M]")
        if "month" not in frame:
            first = np.datetime64("{:04d}-{:02d}".format(*start), "M")
            frame.insert(frame.columns.get_loc("date") + 1, "month", (months - first).astype(np.int32))
        frame["date"] = pd.PeriodIndex(months, freq="M")
    return frame


def column_notes(columns) -> tuple[dict[str, str], dict[str, str]]:
    """The unit and the meaning of each of ``columns`` that the store declares (outcomes and keys)."""
    from sim.store.files import KEY_COLUMNS

    units, descriptions = {}, {}
    for name in columns:
        if name in OUTCOME:
            units[name], descriptions[name] = OUTCOME[name].unit, OUTCOME[name].description
        elif name in KEY_COLUMNS:
            units[name], descriptions[name] = KEY_COLUMNS[name]
        elif name == "month":
            units[name], descriptions[name] = "months", "months since the run's first month (0 = first)"
    return {k: v for k, v in units.items() if v}, descriptions


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """Integer codes and the names they stand for, from a dictionary-encoded (or plain string) column."""
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.indices.to_numpy(zero_copy_only=False), [str(x) for x in array.dictionary.to_pylist()]


def listed_chunks(manifest: dict) -> list[str] | None:
    """The chunks a manifest lists (``cell-000/chunk-0000000.parquet``, ...); None for a folder from before
    chunked stores listed them."""
    listed = (manifest.get("store") or {}).get("chunks") if isinstance(manifest.get("store"), dict) else None
    return [str(n) for n in listed] if isinstance(listed, list) and listed else None


def _check_chunks(path, manifest: dict, data_fs, data: str):
    """The dataset holds exactly the chunks the manifest lists: a report of a store with chunks missing would
    count fewer replications than it says, and one with a file more (a copy a sync tool made, a file someone
    put there) would count some twice."""
    listed = listed_chunks(manifest)
    summaries = f"{data.rpartition('/')[0]}/{SUMMARIES_DIR}"
    for name, base in ((RESULTS_FILE, data), (SUMMARIES_DIR, summaries)):
        if base != data and not data_fs.isdir(base):
            continue  # a folder from before the summaries were stored
        if data_fs.isfile(base):
            continue  # one Parquet file, not a dataset of chunks: nothing can be counted twice
        present = {p[len(base) :].lstrip("/") for p in data_fs.find(base)}
        if listed is None:  # a folder from before chunked stores listed them: chunks by their names alone
            extra = sorted(p for p in present if not CHUNK_NAME.fullmatch(p))
        else:
            missing = [n for n in listed if n not in present]
            if missing:
                raise FolderError(
                    f"{path}: {len(missing)} of the {len(listed)} chunks manifest.json lists are missing from "
                    f"{name} (first: {missing[0]}); rerun the experiment"
                )
            extra = sorted(present - set(listed))
        if extra:
            raise FolderError(
                f"{path}: {name} holds {len(extra)} file{'s' if len(extra) > 1 else ''} manifest.json does not "
                f"list ({extra[0]}{', ...' if len(extra) > 1 else ''}): a copy, or a file put there since; move "
                f"{'them' if len(extra) > 1 else 'it'} out of the folder"
            )


class FolderError(ValueError):
    """A folder that is not a readable results folder, said in one line."""


def _manifest_problem(manifest: dict) -> str | None:
    """What in a manifest the readers could not use (so that they fail with a line, not deep in numpy)."""
    cells = manifest["cells"]
    if not isinstance(cells, list) or not cells or not all(
        isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c) for c in cells
    ):
        return "its cells are not a list of [scenario, hypothesis] pairs"
    months = manifest["months"]
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        return f"months is {months!r}, not a positive whole number"
    if not isinstance(manifest["start"], str) or not re.fullmatch(r"\d{4}-\d{2}", manifest["start"]):
        return f"start is {manifest['start']!r}, not a month such as 2025-08"
    if manifest["baseline"] not in {s for s, _ in cells}:
        return f"its baseline {manifest['baseline']!r} is none of its scenarios"
    if not isinstance(manifest["config"], dict):
        return "config is not a mapping"
    replications = manifest.get("replications")
    if replications is not None and (isinstance(replications, bool) or not isinstance(replications, int)):
        return f"replications is {replications!r}, not a whole number"
    for group in ("scenarios", "hypotheses"):
        entries = manifest.get(group, {})
        if not isinstance(entries, dict) or not all(isinstance(v, dict) for v in entries.values()):
            return f"{group} is not a mapping of names to their settings"
    return None


@dataclass
class ResultsFolder:
    path: Path | str  # a local folder, or a URL
    manifest: dict
    fs: object = field(default=None, repr=False)  # the fsspec file system holding the folder
    root: str = ""  # the folder's path in it
    data_fs: object = field(default=None, repr=False)  # and the one holding results.parquet (elsewhere for a link)
    data: str = ""

    @classmethod
    def open(cls, path, check_chunks: bool = True) -> "ResultsFolder":
        """The results folder at ``path`` (a local folder or a URL), or a FolderError saying what is wrong.

        ``check_chunks=False`` skips listing the dataset against the manifest, for a reader whose caller has
        just checked it (each cell's task in a report): on an object store a listing is a request per page.
        """
        path = path if is_url(path) else Path(path)
        try:
            fs, root = filesystem(path)
        except (ImportError, ValueError) as exc:
            raise FolderError(f"{path}: {str(exc).splitlines()[0]}") from None
        if not fs.exists(root):
            raise FolderError(f"{path} does not exist; give a results folder (one with manifest.json)")
        if not fs.isdir(root):
            raise FolderError(f"{path} is a file; give a results folder (one with manifest.json)")
        if being_replaced(fs, root):
            raise FolderError(
                f"{path} holds results half replaced by a run that was stopped; run that experiment into it again"
            )
        manifest_path = f"{path}/{MANIFEST_FILE}"
        if not fs.isfile(f"{root}/{MANIFEST_FILE}"):
            raise FolderError(f"{path} has no manifest.json, so it is not a results folder of this tool")
        try:
            manifest = json.loads(fs.cat_file(f"{root}/{MANIFEST_FILE}").decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FolderError(f"{manifest_path} cannot be read: {exc}") from None
        needed = ("experiment", "baseline", "cells", "months", "start", "config")
        if not isinstance(manifest, dict) or any(k not in manifest for k in needed):
            raise FolderError(f"{manifest_path} lacks {', '.join(needed)}; it is not a manifest of this tool")
        problem = _manifest_problem(manifest)
        if problem:
            raise FolderError(f"{manifest_path} is damaged or was not written by this tool: {problem}")
        data_fs, data = dataset_location(path)
        if not data_fs.exists(data):
            raise FolderError(f"{path} has no {RESULTS_FILE}; rerun the experiment")
        if check_chunks:
            _check_chunks(path, manifest, data_fs, data)
        return cls(path, manifest, fs, root, data_fs, data)

    # --- what the manifest says -------------------------------------------------------------------------

    @property
    def experiment(self) -> dict:
        return self.manifest["config"].get("experiment", {})

    @property
    def report_kind(self) -> str:
        return self.experiment.get("report", "comparison")

    @property
    def baseline(self) -> str:
        return self.manifest["baseline"]

    @property
    def cells(self) -> list[tuple[str, str]]:
        return [tuple(c) for c in self.manifest["cells"]]

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(s for s, _ in self.cells))

    @property
    def hypotheses(self) -> list[str]:
        return list(dict.fromkeys(h for _, h in self.cells))

    @property
    def labels(self) -> dict:
        found = {}
        for group in ("scenarios", "hypotheses"):
            for name, spec in self.manifest.get(group, {}).items():
                found[name] = spec.get("label", name)
        return found

    @property
    def key_outcomes(self) -> list[str]:
        return list(self.experiment.get("key_outcomes") or ["deaths_pakistan"])

    @property
    def start(self) -> tuple[int, int]:
        year, month = (int(x) for x in self.manifest["start"].split("-"))
        return year, month

    @property
    def months(self) -> int:
        return int(self.manifest["months"])

    @property
    def dates(self) -> np.ndarray:
        return month_dates(self.start, self.months)

    @property
    def uncertainty(self) -> dict:
        """How assumptions were treated; folders written before sampling existed read as fixed parameters."""
        return self.manifest.get("uncertainty", {"mode": "none", "sampling": None, "drawn": [], "file": None})

    # --- the stored tables -------------------------------------------------------------------------------

    def cell_records(self):
        """Yield ``((scenario, hypothesis), record)`` per cell in stored order; record: (months, outcomes, reps).

        The store is a folder per cell with a file per chunk (read one cell at a time, so memory follows
        the size of a cell, not of the run); a single file from earlier versions is read by row groups.
        """
        if self.data_fs.isdir(self.data):
            yield from self._dataset_cells()
            return
        file = pq.ParquetFile(self.data, filesystem=self.data_fs)
        problem = schema_problem(file.schema_arrow, results_schema())
        if problem:
            raise FolderError(f"{self.path}/{RESULTS_FILE} {problem}; it is not this run's")
        present = set(file.schema_arrow.names)
        columns = ["scenario", "hypothesis"] + [o.name for o in OUTCOMES if o.name in present]
        pending_key, pieces = None, []
        for i in range(file.num_row_groups):
            part = file.read_row_group(i, columns=columns)
            s_codes, s_names = _codes(part.column("scenario"))
            h_codes, h_names = _codes(part.column("hypothesis"))
            # cells are written one after another; a row group may hold the end of one and the start of the next
            inner = np.flatnonzero((s_codes[1:] != s_codes[:-1]) | (h_codes[1:] != h_codes[:-1])) + 1
            change = [0, *inner.tolist(), part.num_rows]
            for a, b in zip(change[:-1], change[1:]):
                key = (s_names[s_codes[a]], h_names[h_codes[a]])
                if key != pending_key and pieces:
                    yield pending_key, self._record(pieces)
                    pieces = []
                pending_key = key
                pieces.append(part.slice(a, b - a))
        if pieces:
            yield pending_key, self._record(pieces)

    def cell_chunks(self, outcomes=None, cells=None):
        """Yield ``((scenario, hypothesis), chunks)`` per cell, where ``chunks`` yields the cell's records
        chunk by chunk (months, outcomes, replications of the chunk), so a cell need not fit in memory.

        ``outcomes`` (names) reads only those columns; the record's outcome axis then holds them in that
        order instead of every outcome. ``cells`` (positions in the stored order) yields only those cells.
        """
        if not self.data_fs.isdir(self.data):
            for position, (key, record) in enumerate(self.cell_records()):
                if cells is not None and position not in cells:
                    continue
                if outcomes is not None:
                    record = record[:, [OUTCOME_POSITION[o] for o in outcomes], :]
                yield key, iter([record])
            return
        for position, cell in enumerate(self._cell_folders()):
            if cells is not None and position not in cells:
                continue
            files = self._chunk_files(cell)
            if not files:
                continue
            yield self._cell_key(files[0]), (self._chunk_record(f, outcomes) for f in files)

    def cell_summaries(self, cells=None):
        """Yield ``((scenario, hypothesis), summaries)`` per cell: every outcome summarised over the horizon
        per replication, shape (outcomes, replications), as ``replication_summaries`` gives it.

        Read from the summaries the run stored beside each chunk (beside the results dataset, wherever that
        is); a folder without them (written before they were stored) has them computed from its results,
        chunk by chunk. ``cells``: positions, as in ``cell_chunks``.
        """
        fs, dataset = self.data_fs, f"{self.data.rpartition('/')[0]}/{SUMMARIES_DIR}"
        if not fs.isdir(dataset):
            for key, chunks in self.cell_chunks(cells=cells):
                yield key, np.concatenate([replication_summaries(r) for r in chunks], axis=1)
            return
        names = [o.name for o in OUTCOMES]
        for position, cell in enumerate(self._cell_folders(dataset)):
            if cells is not None and position not in cells:
                continue
            files = self._chunk_files(cell)
            if not files:
                continue
            table = pa.concat_tables([self._read_chunk(f, names, 1) for f in files])
            values = np.empty((len(names), table.num_rows), dtype=np.float64)
            for i, name in enumerate(names):
                values[i] = table.column(name).to_numpy()
            yield self._cell_key(files[0]), values

    def summaries(self) -> StoredSummaries:
        """Every cell's per-replication summaries as a mapping read from the store on demand."""
        return StoredSummaries(self)

    def _cell_key(self, file: str) -> tuple[str, str]:
        first = pq.read_table(file, columns=["scenario", "hypothesis"], filesystem=self.data_fs)
        s_codes, s_names = _codes(first.column("scenario"))
        h_codes, h_names = _codes(first.column("hypothesis"))
        return s_names[s_codes[0]], h_names[h_codes[0]]

    def _chunk_replications(self, file: str) -> int | None:
        """How many replications the chunk ``file`` holds, from its name and the manifest (None if it says not)."""
        store = self.manifest.get("store") if isinstance(self.manifest.get("store"), dict) else {}
        size, total = store.get("chunk_size"), self.manifest.get("replications")
        found = re.fullmatch(r"chunk-(\d+)\.parquet", file.rpartition("/")[2])
        if not (found and isinstance(size, int) and isinstance(total, int)):
            return None
        return max(0, min(size, total - int(found.group(1))))

    def _chunk_cell(self, file: str) -> tuple[str, str] | None:
        """The cell the manifest puts the chunk ``file`` in (by its cell folder's number), None if none."""
        found = re.fullmatch(r"cell-(\d+)", file.rstrip("/").rpartition("/")[0].rpartition("/")[2])
        cells = self.cells
        return cells[int(found.group(1))] if found and int(found.group(1)) < len(cells) else None

    def _read_chunk(self, file: str, columns, per_replication: int) -> pa.Table:
        """One chunk's table (``columns``: None for all), refused in one line unless it is the chunk the manifest
        says: its rows, its columns' types, and the cell and replications of its place in the folder. A chunk
        replaced by another run's, or copied from another cell, would otherwise be counted as this one."""
        summaries = file.rstrip("/").rsplit("/", 3)[-3] == SUMMARIES_DIR  # <dataset>/cell-NNN/chunk-N.parquet
        schema = summaries_schema() if summaries else results_schema()
        parquet = pq.ParquetFile(file, filesystem=self.data_fs)
        present = parquet.schema_arrow.names
        # every column's type, not only the columns read: a reader of one outcome refuses what sim.load refuses
        problem = schema_problem(parquet.schema_arrow, schema)
        if problem:
            raise FolderError(f"{file} {problem}; run the experiment again")
        checked = [c for c in ("scenario", "hypothesis", "replication") if c in present]
        wanted = present if columns is None else list(columns)
        table = parquet.read(columns=list(dict.fromkeys([*wanted, *checked])))
        count = self._chunk_replications(file)
        if count is not None and table.num_rows != count * per_replication:
            raise FolderError(
                f"{file} holds {table.num_rows} rows where its manifest.json says "
                f"{count * per_replication}; it is not this run's (replaced or damaged): run the experiment again"
            )
        replications = None
        if count is not None:
            first = int(re.fullmatch(r"chunk-(\d+)\.parquet", file.rpartition("/")[2]).group(1))
            replications = np.repeat(np.arange(first, first + count, dtype=np.int32), per_replication)
        cell = self._chunk_cell(file)
        problem = chunk_problem(table, schema, cell, replications) if cell is not None else None
        if problem:
            raise FolderError(f"{file} {problem}; run the experiment again")
        return table.select(wanted)

    def _chunk_record(self, file: str, outcomes=None) -> np.ndarray:
        if outcomes is None:
            return self._record([self._read_chunk(file, self._columns(file), self.months)])
        table = self._read_chunk(file, list(outcomes), self.months)
        months = self.months
        reps = table.num_rows // months
        if reps * months != table.num_rows:
            raise FolderError(f"{self.path}: {file} has {table.num_rows} rows, not a whole number of runs")
        record = np.empty((months, len(outcomes), reps), dtype=np.float32)
        for j, name in enumerate(outcomes):
            record[:, j, :] = table.column(name).to_numpy().reshape(reps, months).T
        return record

    def _cell_folders(self, dataset: str | None = None) -> list[str]:
        """The cell folders of the results dataset (or of ``dataset`` beside it) in order (paths in ``data_fs``)."""
        fs = self.data_fs
        entries = fs.ls(dataset or self.data, detail=True)
        return sorted(
            e["name"].rstrip("/")
            for e in entries
            if e["type"] == "directory" and re.fullmatch(r"cell-\d+", e["name"].rstrip("/").rpartition("/")[2])
        )

    def _chunk_files(self, cell: str) -> list[str]:
        """The chunks of a cell folder the manifest lists (those named as the engine names them, for a folder
        whose manifest lists none): no other file there is read as results."""
        cell_name = cell.rpartition("/")[2]
        listed = listed_chunks(self.manifest)
        listed = set(listed) if listed is not None else None
        found = []
        for file in self.data_fs.glob(f"{cell}/chunk-*.parquet"):
            name = f"{cell_name}/{file.rpartition('/')[2]}"
            if (name in listed) if listed is not None else CHUNK_NAME.fullmatch(name):
                found.append(file)
        return sorted(found)

    def _columns(self, file: str) -> list:
        present = set(pq.read_schema(file, filesystem=self.data_fs).names)
        return ["scenario", "hypothesis"] + [o.name for o in OUTCOMES if o.name in present]

    def _dataset_cells(self):
        columns = None
        for cell in self._cell_folders():
            pieces = []
            for chunk in self._chunk_files(cell):
                if columns is None:
                    columns = self._columns(chunk)
                pieces.append(self._read_chunk(chunk, columns, self.months))
            if not pieces:
                continue
            first = pieces[0]
            s_codes, s_names = _codes(first.column("scenario"))
            h_codes, h_names = _codes(first.column("hypothesis"))
            yield (s_names[s_codes[0]], h_names[h_codes[0]]), self._record(pieces)

    def _record(self, pieces: list) -> np.ndarray:
        table = pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]
        months = self.months
        reps = table.num_rows // months
        if reps * months != table.num_rows:
            raise FolderError(
                f"{self.path}/{RESULTS_FILE}: a cell has {table.num_rows} rows, not a whole number of runs"
            )
        record = np.full((months, len(OUTCOMES), reps), np.nan, dtype=np.float32)
        names = set(table.column_names)
        for i, o in enumerate(OUTCOMES):
            if o.name in names:
                values = table.column(o.name).to_numpy()
                record[:, i, :] = values.reshape(reps, months).T
        return record

    def results(self, columns=None) -> pd.DataFrame:
        """The long table with scenario and hypothesis as categoricals in the run's order, and a month index."""
        if self.data_fs.isdir(self.data):  # the chunks the manifest lists, and no other file, each checked
            files = [f for cell in self._cell_folders() for f in self._chunk_files(cell)]
            pieces = [self._read_chunk(f, columns, self.months) for f in files]
            table = pa.concat_tables(pieces) if pieces else results_schema().empty_table()
        else:
            table = pq.read_table(self.data, columns=columns, filesystem=self.data_fs)
            problem = schema_problem(table.schema, results_schema())
            if problem:
                raise FolderError(f"{self.path}/{RESULTS_FILE} {problem}; it is not this run's")
        replications = self.manifest.get("replications")
        expected = replications * self.months * len(self.cells) if isinstance(replications, int) else None
        if expected is not None and table.num_rows != expected:
            raise FolderError(
                f"{self.path}: {RESULTS_FILE} holds {table.num_rows:,} rows where manifest.json says {expected:,} "
                "(a chunk replaced or damaged); run the experiment again"
            )
        return tidy(table.to_pandas(), self.scenarios, self.hypotheses, self.start)

    def parameters(self) -> pd.DataFrame:
        """One row per replication of the drawn parameters; an empty frame when nothing was drawn."""
        path = f"{self.root}/{PARAMETERS_FILE}"
        if not self.fs.isfile(path):
            return pd.DataFrame({"replication": pd.Series(dtype=np.int32)})
        return pq.read_table(path, filesystem=self.fs).to_pandas()


class StoredSummaries(Mapping):
    """``(scenario, hypothesis) -> (outcomes, replications)`` summaries, read one cell at a time.

    Only the last two cells read are kept (a policy's cell and its baseline), so tables that go cell by cell
    hold a few cells' summaries, not the run's: memory does not grow with the number of cells.
    """

    def __init__(self, folder: ResultsFolder):
        self.folder = folder
        self.position = {tuple(c): i for i, c in enumerate(folder.cells)}
        self._kept: dict = {}

    def __getitem__(self, key):
        key = tuple(key)
        if key not in self.position:
            raise KeyError(key)
        if key not in self._kept:
            found = list(self.folder.cell_summaries(cells=(self.position[key],)))
            if not found or found[0][0] != key:
                raise FolderError(f"{self.folder.path}: the stored results lack the cell {key[0]} / {key[1]}")
            if len(self._kept) >= 2:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = found[0][1]
        return self._kept[key]

    def __iter__(self):
        return iter(self.position)

    def __len__(self):
        return len(self.position)


def read_config(folder: Path) -> dict:
    """The run's config.yaml as it was saved (resolved then). Not resolved again: a folder may come from someone
    else, and an interpolation in it (``${oc.env:...}``) would read this machine's environment."""
    # plain YAML: an interpolation stays the text it is, as a string
    return yaml.safe_load((Path(folder) / "config.yaml").read_text(encoding="utf-8"))



def read_manifest(folder: Path) -> dict:
    path = Path(folder) / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}



def analysis_settings(folder: Path) -> dict:
    return dict(read_config(folder)["experiment"].get("analysis") or {})



def labels(folder: Path) -> dict:
    """Scenario and hypothesis names -> their human labels, from the manifest (names where it has none)."""
    manifest = read_manifest(folder)
    out = {}
    for group in ("scenarios", "hypotheses"):
        for name, entry in (manifest.get(group) or {}).items():
            out[name] = entry.get("label", name)
    return out



def read_parameters(folder: Path) -> pd.DataFrame:
    """One row per replication, indexed by replication, one column per parameter."""
    path = Path(folder) / "parameters.parquet"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: this analysis needs the parameters drawn per replication")
    return pd.read_parquet(path).set_index("replication").sort_index()



def replication_values(folder: Path, outcomes: list[str]) -> pd.DataFrame:
    """Per scenario, hypothesis and replication, each outcome summarised over the horizon as in summary.csv.

    Columns: scenario, hypothesis, replication and one per outcome; rows sorted by those three.
    """
    keys = ["scenario", "hypothesis", "replication"]
    unknown = [name for name in outcomes if name not in OUTCOME]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]}")
    positions = [OUTCOME_INDEX[name] for name in outcomes]
    frames = []
    # the per-replication summaries the run stored, cell by cell: a few numbers per replication, not every month
    for (scenario, hypothesis), summaries in ResultsFolder.open(folder).cell_summaries():
        n = summaries.shape[1]
        frame = pd.DataFrame({"scenario": [scenario] * n, "hypothesis": [hypothesis] * n, "replication": np.arange(n)})
        for name, i in zip(outcomes, positions):
            frame[name] = summaries[i]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


SWEEP_RECORD = "multirun.yaml"


def is_sweep_folder(folder) -> bool:
    """A local folder a sweep wrote (Hydra's record of it, or the tool's sweep marker) that is not itself a
    results folder."""
    from sim.store.files import SWEEP_MARKER

    if is_url(folder):
        return False
    folder = Path(folder)
    marked = (folder / SWEEP_RECORD).is_file() or (folder / SWEEP_MARKER).is_file()
    return marked and not (folder / MANIFEST_FILE).is_file()


def _setting(config: dict, key: str):
    """A job's value of the setting ``key`` (dotted) as its config.yaml records it; a config group chosen by
    name (``experiment``, ``scenario``) by its name."""
    value = config
    for part in key.lstrip("+~").split("/")[0].split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def sweep_jobs(folder, swept=()) -> tuple[list[tuple[Path, dict]], list[str]]:
    """The finished jobs of the sweep in ``folder`` (each its folder and its swept settings' values), and the
    names of those settings: ``swept`` (those the sweep's command line swept, which the face reads from Hydra's
    record of it) and any other setting the jobs differ in."""
    folder = Path(folder)
    jobs = []
    for path in sorted(p for p in folder.iterdir() if p.is_dir() and (p / MANIFEST_FILE).is_file()):
        try:
            config = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))["config"]
        except (OSError, ValueError, KeyError, TypeError):
            raise FolderError(f"{path}/{MANIFEST_FILE} cannot be read as a job's manifest") from None
        jobs.append((path, config))
    keys = list(swept)
    for key in ("experiment", "scenario", "hypothesis", "replications", "months", "seed", "uncertainty", "sampling"):
        if key not in keys and len({repr(_setting(c, key)) for _, c in jobs}) > 1:
            keys.append(key)
    return [(path, {k: _setting(c, k) for k in keys}) for path, c in jobs], keys

