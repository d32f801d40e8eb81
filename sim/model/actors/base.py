"""What every actor shares: state held as arrays over replications, acting on last month's world."""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np


class Actor(mesa.Agent):
    """An actor of the regional diplomacy.

    ``state`` holds numpy arrays with one value per replication.  ``act`` reads only
    the snapshot of last month (``ctx.prev``) and assigns fresh arrays to its own
    state, never changing an array in place, so the order in which actors act
    does not matter.
    """

    key: str = ""
    label: str = ""
    # state variable -> default starting value (overridden by the starting-point config)
    initial_state: dict[str, float] = {}

    def __init__(self, model, start: dict[str, float]):
        super().__init__(model)
        n = model.n_replications
        values = {**self.state_defaults(), **start}
        self.state = SimpleNamespace(**{k: np.full(n, float(v)) for k, v in values.items()})

    @classmethod
    def state_defaults(cls) -> dict[str, float]:
        """Starting values of every state variable: a subclass adds to, and may override, its bases' state."""
        values = {}
        for klass in reversed(cls.__mro__):
            values.update(klass.__dict__.get("initial_state", {}))
        return values

    def snapshot(self) -> SimpleNamespace:
        return SimpleNamespace(**vars(self.state))

    def act(self, ctx) -> None:
        raise NotImplementedError


def clip01(x):
    return np.clip(x, 0.0, 1.0)


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1.0 - p))
