"""Command line: ``python -m sim [overrides]`` runs an experiment; ``rules`` and ``list`` help find one's way."""

from __future__ import annotations

import signal
import sys

USAGE = """\
usage: python -m sim [KEY=VALUE ...]      run an experiment (Hydra overrides)
       python -m sim list                 experiments, scenarios, hypotheses, starting points, outcomes
       python -m sim rules [--check]      write docs/rules.md from the code (--check: fail if it is stale)
       python -m sim report DIR           rewrite the report, tables and figures of a results folder from its files

examples:
  python -m sim                                            the default experiment
  python -m sim experiment=recognition_vs_isolation replications=200 out_dir=results/run1
  python -m sim experiment=all_policies experiment.hypotheses=[engagement_moderates]
  python -m sim +params.taliban.engagement_effect=0.12     change a model parameter (see docs/rules.md)
  python -m sim uncertainty=none                           every assumption at its default (no sampling)
  python -m sim sampling=lhs                               a Latin hypercube over the assumptions
"""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as on Ctrl-C, leaving nothing half-written."""


def _terminate(signum, frame):
    raise Terminated(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    # a stop request at any moment, from start-up to the last file, ends the same way as Ctrl-C
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt as exc:
        how = f"stopped by {exc.args[0]}" if isinstance(exc, Terminated) and exc.args else "interrupted"
        print(f"{how}; no results were written or replaced", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130


def _main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if argv and argv[0] == "list":
        if len(argv) > 1:
            print(f"error: 'list' takes no arguments, got {' '.join(argv[1:])!r}", file=sys.stderr)
            return 2
        return _list()
    if argv and argv[0] == "rules":
        unknown = [a for a in argv[1:] if a != "--check"]
        if unknown:
            print(f"error: unknown option {unknown[0]!r} for 'rules'; the only option is --check", file=sys.stderr)
            return 2
        from sim.rulebook import main as rulebook_main

        return rulebook_main(argv[1:])
    if argv and argv[0] == "report":
        return _report(argv[1:])
    bad = [a for a in argv if "=" not in a]
    if bad:
        print(f"error: {bad[0]!r} is not an override; write KEY=VALUE (python -m sim --help)", file=sys.stderr)
        return 2
    return _run(argv)


def _run(overrides: list[str]) -> int:
    from sim.configuration import ConfigError, plan
    from sim.experiment import run_plan
    from sim.store import OutputRefused

    try:
        p = plan(overrides)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        result = run_plan(p, progress=p.config.progress and sys.stderr.isatty(), figures=p.config.figures)
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print(
            f"error: not enough memory for {p.replications:,} replications; lower replications or months, or "
            "set max_memory_gb to what this machine can give (nothing was written)",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"error: could not write results to {p.out_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    cells = len(p.cells)
    print(result.table_text)
    print()
    print(f"{p.name}: {cells} cells x {p.replications} replications x {p.months} months in {result.seconds:.1f} s")
    print(f"results:  {result.out_dir / 'results.parquet'}")
    print(f"summary:  {result.out_dir / 'summary.csv'}")
    print(f"manifest: {result.out_dir / 'manifest.json'}")
    if result.figures:
        print(
            f"figures:  {', '.join(str(result.out_dir / f) for f in result.figures[:2])}"
            + (f" and {len(result.figures) - 2} more in {result.out_dir}" if len(result.figures) > 2 else "")
        )
    return 0


def _report(args: list[str]) -> int:
    if len(args) != 1:
        print("error: report needs one results folder: python -m sim report DIR", file=sys.stderr)
        return 2
    from pyarrow import ArrowException

    from sim.analysis.folder import FolderError
    from sim.report import build_report

    try:
        report = build_report(args[0])
    except FolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ArrowException, KeyError, TypeError, ValueError) as exc:
        # a results folder whose files were damaged or written by something else
        print(f"error: {args[0]} cannot be read as a results folder: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: could not write the report into {args[0]}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"report: {args[0]}/report.md ({len(report.files)} files written)")
    return 0


def _list() -> int:
    from sim.configuration import available
    from sim.outcomes import OUTCOMES

    for group in ("experiment", "scenario", "hypothesis", "initial"):
        print(f"{group}: {', '.join(available(group))}")
    print("outcomes: " + ", ".join(o.name for o in OUTCOMES))
    return 0
