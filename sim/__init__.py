"""Agent-based simulation of the regional diplomacy around the Taliban government of Afghanistan.

For notebooks: ``sim.run([...overrides])`` returns the results as a DataFrame (writing nothing unless
``out_dir`` is given) and ``sim.load(folder)`` reads a results folder or a sweep's; the drawn parameters are
``df.parameters``, one row per replication, joined as columns only with ``parameters=True``; see sim/api.py.
"""

__version__ = "0.1.0"

import types as _types

from sim import run as _run_stage  # noqa: E402


class _RunStage(_types.ModuleType):
    """The stage sim/run/ (a subpackage: ``sim.run.engine``, ...) that ``sim.run(...)`` also calls.

    A function ``sim.run`` would lose its name to the subpackage the first time the subpackage is imported
    (by the function's own first call), and a second ``sim.run(...)`` would call a module; so the
    subpackage is what answers the call."""

    def __call__(self, overrides=(), out_dir=None, parameters: bool = False, progress: bool = False):
        """Run an experiment (command-line style overrides) and return its results; see sim.api.run."""
        from sim.api import run as _run

        return _run(overrides, out_dir=out_dir, parameters=parameters, progress=progress)


_run_stage.__class__ = _RunStage
run = _run_stage


def load(folder, parameters: bool = False):
    """Read a results folder (or a sweep's folder: every job) as a DataFrame; see sim.api.load."""
    from sim.api import load as _load

    return _load(folder, parameters=parameters)


def load_parameters(folder):
    """The drawn parameters of a results folder, one row per replication; see sim.api.load_parameters."""
    from sim.api import load_parameters as _load_parameters

    return _load_parameters(folder)
