"""Command line: ``python -m sim [overrides]`` runs an experiment through Hydra's application entry point, so
``-m`` sweeps, ``--cfg``, ``--info``, ``--help``, ``--config-dir``, shell completion and launcher plugins work
as Hydra users expect; subcommands (``list``, ``rules``, ...) sit beside it in SUBCOMMANDS.

Every mistake ends in one ``error:`` line on stderr and exit code 2, whether argparse, Hydra's override
parser, Hydra's composition, OmegaConf's schema or our own checks find it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

BAD_INPUT = 2
MEMORY_AT_START = "not enough memory to start the run (nothing was written); free some, or lower replications or months"


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as on Ctrl-C, leaving nothing half-written."""


class RunFailed(Exception):
    """A run that could not be done: its one-line message and exit code (raised out of Hydra on purpose)."""

    def __init__(self, message: str, code: int, printed: bool = False):
        super().__init__(message, code, printed)
        self.message, self.code, self.printed = message, code, printed


def _terminate(signum, frame):
    raise Terminated(signal.Signals(signum).name)


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    # a stop request at any moment, from start-up to the last file, ends the same way as Ctrl-C
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return SUBCOMMANDS[argv[0]](argv[1:])
        if argv and argv[0] == "help":
            argv = ["--help", *argv[1:]]
        return _hydra_app(argv)
    except KeyboardInterrupt as exc:
        # worker processes cut short report it through asyncio's logger as the interpreter exits; the line
        # below says what happened
        import logging

        logging.getLogger("asyncio").setLevel(logging.CRITICAL + 1)
        logging.getLogger("distributed").setLevel(logging.CRITICAL + 1)
        signal_exc = exc.__cause__ if isinstance(exc.__cause__, KeyboardInterrupt) else exc
        terminated = isinstance(signal_exc, Terminated)
        how = f"stopped by {signal_exc.args[0]}" if terminated and signal_exc.args else "interrupted"
        # in a sweep: which job was stopped, and which finished before it (their folders are complete)
        job = f"sweep job {_sweep['current']}: " if _sweep["current"] else ""
        finished = len(_sweep["done"])
        before = f" ({finished} earlier job{'s' if finished != 1 else ''} finished and kept)" if job else ""
        if type(exc).__name__ == "StoppedWhenDone" and len(exc.args) == 1:
            print(f"{job}{how}{before} once its results were complete; they are in {exc.args[0]}", file=sys.stderr)
        elif type(exc).__name__ == "Interrupted" and len(exc.args) == 3:
            done, total, out_dir = exc.args
            print(
                f"{job}{how}{before}; no results were replaced; {done} of {total} chunks are kept: run the same "
                f"command with resume=true to complete it into {out_dir}",
                file=sys.stderr,
            )
        else:
            print(
                f"{job}{how}{before}; no results of this job were written or replaced"
                if job
                else f"{how}; no results were written or replaced",
                file=sys.stderr,
            )
        return 143 if terminated else 130


# ---------------------------------------------------------------------------------------------------------
# Subcommands: each takes the arguments after its name and returns an exit code.


def _list_command(args: list[str]) -> int:
    from sim.analysis.labels import outcome_unit, outcome_words
    from sim.config.names import available, searching
    from sim.model.outcomes import OUTCOMES

    extra = []
    if args[:1] in (["--config-dir"], ["-cd"]) and len(args) == 2:
        extra, args = [Path(args[1])], []
    if args:
        _error(f"'list' takes only --config-dir DIR, got {' '.join(args)!r}")
        return BAD_INPUT
    if extra and not extra[0].is_dir():
        _error(f"--config-dir {extra[0]} is not a folder")
        return BAD_INPUT
    with searching(extra):
        for group, what in (
            ("experiment", "experiments"),
            ("scenario", "scenarios"),
            ("hypothesis", "hypotheses"),
            ("initial", "starting points"),
        ):
            print(f"{group} ({what}): {', '.join(available(group))}")
    # each outcome: its column, its words, the unit of a replication's number, and what it counts (as the results
    # files' field metadata give them); a month's value is the state at its end, a flow its total
    print("outcomes (column: words (unit): meaning):")
    for o in OUTCOMES:
        print(f"  {o.name}: {outcome_words(o.name)} ({outcome_unit(o.name)}): {o.description}")
    return 0


def _rules_command(args: list[str]) -> int:
    unknown = [a for a in args if a != "--check"]
    if unknown:
        _error(f"unknown option {unknown[0]!r} for 'rules'; the only option is --check")
        return BAD_INPUT
    from sim.docs.rulebook import main as rulebook_main

    return rulebook_main(args)


def _worldviews_command(page: str) -> Callable[[list[str]], int]:
    """``hypotheses`` or ``directions``: write (or with --check, check) docs/hypotheses.md or docs/directions.md."""

    def command(args: list[str]) -> int:
        unknown = [a for a in args if a != "--check"]
        if unknown:
            _error(f"unknown option {unknown[0]!r} for '{page}'; the only option is --check")
            return BAD_INPUT
        from sim.docs.worldviews import COMMANDS

        return COMMANDS[page](args)

    return command


def _findings_command(args: list[str]) -> int:
    """``findings``: run the fixed small experiments and write (or with --check, check) docs/findings.md and the
    generated blocks of the other docs pages."""
    unknown = [a for a in args if a != "--check"]
    if unknown:
        _error(f"unknown option {unknown[0]!r} for 'findings'; the only option is --check")
        return BAD_INPUT
    from sim.docs.findings import main as findings_main

    return findings_main(args)


def _report_command(args: list[str]) -> int:
    if len(args) != 1 or args[0].startswith("-"):
        _error("report needs one results folder: python -m sim report DIR")
        return BAD_INPUT
    from pyarrow import ArrowException

    from sim.config.names import is_url
    from sim.report.rebuild import rebuild_report
    from sim.store.files import OutputRefused, RunLock, add_tool_files
    from sim.store.reader import FolderError

    folder = args[0] if is_url(args[0]) else Path(args[0])
    try:
        # a URL cannot be locked: its report is rewritten file by file, each file whole
        with contextlib.nullcontext() if is_url(folder) else RunLock(folder):
            report = rebuild_report(folder)
            add_tool_files(folder, report.files)
    except (FolderError, OutputRefused) as exc:
        _error(str(exc))
        return BAD_INPUT
    except (ArrowException, KeyError, TypeError, ValueError) as exc:
        # a results folder whose files were damaged or written by something else
        _error(f"{folder} cannot be read as a results folder: {exc}".splitlines()[0])
        return BAD_INPUT
    except OSError as exc:
        _error(f"could not write the report into {folder}: {exc.strerror or exc}")
        return 1
    except MemoryError:
        _error(f"not enough memory to rebuild the report of {folder} (nothing was written)")
        return 1
    print(f"report: {folder}/report.md ({len(report.files)} files written)")
    return 0


def _evidence_command(args: list[str]) -> int:
    from sim.calibration.evidence import main as evidence_main

    return evidence_main(args)


SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {
    "list": _list_command,
    "rules": _rules_command,
    "report": _report_command,
    "evidence": _evidence_command,
    "hypotheses": _worldviews_command("hypotheses"),
    "directions": _worldviews_command("directions"),
    "findings": _findings_command,
}


# ---------------------------------------------------------------------------------------------------------
# The Hydra application.


class _ArgumentError(Exception):
    pass


def _read_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Hydra's own argument parser, with an error raised (for one line) rather than printed with usage.

    Options may come after overrides (``python -m sim seed=1,2 -m``); the arguments are returned
    reordered, options first, as Hydra's parser wants them.
    """
    from hydra._internal.utils import get_args_parser

    parser = get_args_parser()

    def refuse(message):
        raise _ArgumentError(message)

    parser.error = refuse
    args = parser.parse_intermixed_args(argv)
    options = list(argv)
    for override in args.overrides:
        options.remove(override)
    return args, [*options, *args.overrides]


def _hydra_app(argv: list[str]) -> int:
    from sim.config.names import ConfigError, searching
    from sim.config.plan import check_override_keys, parse_overrides
    from sim.config.safety import check_config_files, check_override_safety

    try:
        args, argv = _read_arguments(argv)
    except _ArgumentError as exc:
        _error(f"{exc} (python -m sim --help)")
        return BAD_INPUT
    # each would have Hydra read a file no check has seen: a primary config of another folder or name, a pickle
    refused = [
        option
        for option, given in (
            ("--config-path", args.config_path is not None),
            ("--config-name", args.config_name not in (None, "config")),
            ("--experimental-rerun", args.experimental_rerun is not None),
        )
        if given
    ]
    if refused:
        _error(f"{', '.join(refused)} is not supported here; add a folder of configs with --config-dir DIR")
        return BAD_INPUT
    extra_dirs = []
    if args.config_dir is not None:
        folder = Path(args.config_dir).expanduser()
        if not folder.is_dir():
            _error(f"--config-dir {args.config_dir} is not a folder")
            return BAD_INPUT
        extra_dirs = [folder.resolve()]
    try:
        with searching(extra_dirs):
            # before Hydra reads any file or override, whatever it was asked: --help and --info compose too
            check_config_files()
            if args.help:
                check_override_safety(parse_overrides(args.overrides))
            elif not args.shell_completion:
                check_override_keys(args.overrides)
            sweep_dirs = _check_sweep(args.overrides) if args.multirun else []
    except ConfigError as exc:
        _error(str(exc))
        return BAD_INPUT
    if not (args.cfg or args.help or args.hydra_help or args.info or args.shell_completion):
        from sim.store.files import mark_sweep_dir

        # marked as the tool's before Hydra writes its multirun.yaml there, so that a later sweep knows it
        for folder in sweep_dirs:
            mark_sweep_dir(folder)
    return _call_hydra(argv)


def _check_sweep(overrides: list[str]) -> list[Path]:
    """Plan every job of a sweep before Hydra starts it, so that a bad value in any job writes nothing; the
    sweep's folders (where Hydra writes multirun.yaml beside the jobs' folders) are returned."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from omegaconf import OmegaConf, open_dict

    from sim.config.names import ConfigError
    from sim.config.plan import compose, parse_overrides, plan_from_config
    from sim.run.checks import check_can_run
    from sim.store.files import OutputRefused, check_sweep_dir

    try:
        batches = BasicSweeper.split_arguments(parse_overrides(overrides), None)
    except Exception as exc:  # e.g. a sweep kind the basic sweeper does not know
        raise ConfigError(str(exc).splitlines()[0]) from None
    job_overrides = [job for batch in batches for job in batch]
    folders = set()
    sweeps: dict[Path, dict] = {}
    for job in job_overrides:
        cfg = compose(job, with_hydra=True)
        if "://" in str(cfg.get("out_dir") or ""):
            # Hydra makes each job's folder on the local disk, inside out_dir
            raise ConfigError(
                f"out_dir={cfg.out_dir}: a sweep writes its jobs' folders on this machine; give a local out_dir "
                "for -m, or run each job with its own URL"
            )
        hydra_node = cfg.hydra
        subdir = str(OmegaConf.select(hydra_node, "sweep.subdir") or "")
        if not subdir.strip():
            raise ConfigError(
                "a job of this sweep has no overrides to name its folder by; sweep a setting, e.g. -m seed=1,2"
            )
        sweep_dir = Path(OmegaConf.select(hydra_node, "sweep.dir"))
        folder = sweep_dir / subdir
        if folder in folders:
            raise ConfigError(f"two jobs of this sweep would write to {folder}; give each job its own folder")
        folders.add(folder)
        sweep = sweeps.setdefault(sweep_dir, {"jobs": set()})
        sweep["jobs"].add(Path(subdir).parts[0])
        sweep["overwrite"] = sweep.get("overwrite", True) and bool(cfg.overwrite)
        task = [o for o in job if not o.lstrip("+~").startswith("hydra")]
        with open_dict(cfg):
            del cfg["hydra"]
        try:
            check_can_run(plan_from_config(cfg, task, out_dir=folder))
        except ConfigError as exc:  # which job of the sweep it is, as its folder is named
            raise ConfigError(f"sweep job {subdir}: {exc}") from None
    try:
        for sweep_dir, sweep in sweeps.items():
            check_sweep_dir(sweep_dir, sweep["jobs"], sweep["overwrite"])
    except OutputRefused as exc:
        raise ConfigError(str(exc)) from None
    return list(sweeps)


def _call_hydra(argv: list[str]) -> int:
    import hydra
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.hydra_config import HydraConfig

    from sim.config import plan as configuration
    from sim.config.names import CONFIG_DIR
    configuration.register_schema()
    # decorated now, not at import, so that the configs folder is the one configured at this moment
    app = hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")(_task)
    saved_argv, saved_flag = sys.argv, os.environ.get("HYDRA_FULL_ERROR")
    sys.argv = [sys.argv[0] if sys.argv else "sim", *argv]
    # Hydra prints its own multi-line report of an error unless told to let the exception through
    os.environ["HYDRA_FULL_ERROR"] = "1"
    _single_run["code"] = 0
    _sweep.update(current=None, done=[])
    try:
        app()
    except RunFailed as exc:
        if not exc.printed:
            _error(exc.message)
        return exc.code
    except SystemExit as exc:  # --help, --info and friends end with sys.exit(0)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except MemoryError:  # while Hydra reads the input, before any result was written
        _error(MEMORY_AT_START)
        return 1
    except Exception as exc:  # Hydra, OmegaConf, YAML: what was wrong with the input, in one line
        _error(configuration.hydra_error_message(exc))
        return BAD_INPUT
    finally:
        sys.argv = saved_argv
        if saved_flag is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = saved_flag
        GlobalHydra.instance().clear()
        HydraConfig.instance().cfg = None
    return _single_run["code"]


# the exit code of a single (not swept) run, set by the task in this process
_single_run = {"code": 0}
# a sweep's jobs run in this process (Hydra's basic launcher): the one under way and the ones finished, for the
# line a stop request prints
_sweep: dict = {"current": None, "done": []}


def _one_line_errors(task: Callable) -> Callable:
    """Turn every expected failure inside a job into RunFailed: a one-line message and its exit code."""

    @functools.wraps(task)
    def wrapped(cfg):
        from hydra.core.hydra_config import HydraConfig
        from hydra.types import RunMode

        from sim.config.names import ConfigError
        from sim.store.files import OutputRefused

        hydra_cfg = HydraConfig.get()
        sweeping = hydra_cfg.mode == RunMode.MULTIRUN
        try:
            return task(cfg)
        except ConfigError as exc:
            message, code = str(exc), BAD_INPUT
        except OutputRefused as exc:
            message, code = str(exc), BAD_INPUT
        except OSError as exc:
            message, code = f"could not write results: {exc.strerror or exc}", 1
        except RunFailed as exc:
            message, code = exc.message, exc.code
        except MemoryError:  # while checking the input or the folder: a run's own is a RunFailed
            message, code = MEMORY_AT_START, 1
        if not sweeping:
            # a single run ends here; raising would make Hydra print a line of its own first
            _error(message)
            _single_run["code"] = code
            return None
        # every failed job of a sweep says so at once (a launcher may run it in another process);
        # Hydra stops the sweep after the batch with the first failure, and its exit code is the run's
        job = " ".join(hydra_cfg.overrides.task) or "(no overrides)"
        _error(f"job {hydra_cfg.job.num} ({job}): {message}")
        raise RunFailed(message, code, printed=True)

    return wrapped


@_one_line_errors
def _task(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from sim.config.names import searching
    from sim.config.plan import plan_from_config
    from sim.report.build import build_report
    from sim.run.checks import check_can_run
    from sim.run.engine import EngineError
    from sim.run.experiment import run_plan

    hydra_cfg = HydraConfig.get()
    overrides = list(hydra_cfg.overrides.task)
    # the folders Hydra searched (--config-dir included) are where scenarios and the rest are read from
    folders = [Path(s.path) for s in hydra_cfg.runtime.config_sources if s.schema == "file"]
    out_dir = None
    if hydra_cfg.mode == RunMode.MULTIRUN:
        out_dir = _relative(Path(hydra_cfg.runtime.output_dir))
        cfg.out_dir = str(out_dir)
        _sweep["current"] = str(out_dir)
    try:
        with searching(folders):
            p = plan_from_config(cfg, overrides, out_dir=out_dir)
            check_can_run(p)
            try:
                result = run_plan(
                    p, build_report, progress=p.progress and sys.stderr.isatty(), figures=p.figures
                )
            except MemoryError:
                raise RunFailed(
                    f"not enough memory for {p.replications:,} replications; lower replications or months, or set "
                    "max_memory_gb to what this machine can give (nothing was written)",
                    1,
                ) from None
            except EngineError as exc:
                raise RunFailed(str(exc), 1) from None
            except OSError as exc:
                raise OSError(exc.errno, f"{exc.strerror or exc} ({p.out_dir})") from None
    except BaseException:
        if out_dir is not None:  # the job's folder, which Hydra made for it, if the job left it empty
            with contextlib.suppress(OSError):
                Path(hydra_cfg.runtime.output_dir).rmdir()
        raise  # the job under way stays named in _sweep for the line a stop request prints
    if out_dir is not None:
        _sweep["done"].append(str(out_dir))
        _sweep["current"] = None
    print(result.table_text)
    print()
    print(
        f"{p.name}: {len(p.cells)} cells x {p.replications} replications x {p.months} months in {result.seconds:.1f} s"
    )
    figures = f"; {len(result.figures)} figures" if result.figures else ""
    print(f"report:   {result.out_dir}/report.md (full tables: comparison.txt, summary.csv{figures})")
    print(f"results:  {result.out_dir}/results.parquet (settings: manifest.json)")


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
