"""Agent-based simulation of the regional diplomacy around the Taliban government of Afghanistan.

For notebooks: ``sim.run([...overrides])`` returns the results as a DataFrame (writing nothing unless
``out_dir`` is given) and ``sim.load(folder)`` reads a results folder; see sim/api.py.
"""

__version__ = "0.1.0"


def run(overrides=(), out_dir=None, parameters: bool = True, progress: bool = False):
    """Run an experiment (command-line style overrides) and return its results; see sim.api.run."""
    from sim.api import run as _run

    return _run(overrides, out_dir=out_dir, parameters=parameters, progress=progress)


def load(folder, parameters: bool = False):
    """Read a results folder as a DataFrame; see sim.api.load."""
    from sim.api import load as _load

    return _load(folder, parameters=parameters)


def load_parameters(folder):
    """The drawn parameters of a results folder, one row per replication; see sim.api.load_parameters."""
    from sim.api import load_parameters as _load_parameters

    return _load_parameters(folder)
