import copy

import numpy as np

from sim.config.names import ConfigError
from sim.model.record import LAST_RECORD_MONTH

START = "2021-08"


SETTINGS = {
    "origins": ["2023-07", "2024-07"],
    "match_replications": 6000,  # per group of calibrated parameters and origin
    "forecast_replications": 1000,
}


def _m(text) -> np.datetime64:
    return np.datetime64(str(text), "M")


def _months_from(first, last) -> int:
    """Months from ``first`` to ``last``, both counted."""
    return int((_m(last) - _m(first)).astype(int)) + 1


def settings_of(config: dict) -> dict:
    given = config["experiment"].get("analysis") or {}
    return {**SETTINGS, **given}


def prepare(plan):
    """Check the backtest's settings: origins inside the record, a run from August 2021 to July 2025 at least."""

    config = copy.deepcopy(plan.settings)
    given = config["experiment"].get("analysis") or {}
    unknown = sorted(set(given) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"experiment.analysis.{unknown[0]} is not a backtest setting; known: {', '.join(SETTINGS)}")
    s = settings_of(config)
    origins = s["origins"]
    if not isinstance(origins, list) or not origins:
        raise ConfigError("experiment.analysis.origins must list at least one month, e.g. [2023-07, 2024-07]")
    for origin in origins:
        try:
            month = _m(origin)
        except ValueError:
            raise ConfigError(f"experiment.analysis.origins: {origin!r} is not a month such as 2023-07") from None
        if str(month) != str(origin):  # a day, or a month written otherwise, would be carried into the labels
            raise ConfigError(f"experiment.analysis.origins: {origin!r} is not a month such as 2023-07")
        if not _m("2022-01") <= month <= _m("2025-06"):
            raise ConfigError(f"experiment.analysis.origins: {origin} must lie between 2022-01 and 2025-06")
    if len(set(map(str, origins))) < len(origins):
        raise ConfigError("experiment.analysis.origins lists a month twice; give each origin once")
    for key in ("match_replications", "forecast_replications"):
        value = s[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 20 <= value <= 100000:
            raise ConfigError(f"experiment.analysis.{key}={value!r} must be a whole number from 20 to 100000")
    # the backtest forecasts the status quo under named worldviews with every parameter drawn from what was known at
    # each origin: a setting it would not use is refused rather than shown in a report it does not describe
    if plan.user_params:
        raise ConfigError(
            f"the backtest draws every parameter at each origin from what was known then, so a parameter set by hand "
            f"({next(iter(plan.user_params))}) would not be used; drop it"
        )
    if plan.uncertainty == "matched" or plan.sampling != "random":
        raise ConfigError(
            "the backtest draws its forecasts itself, from what each origin knew: drop uncertainty=matched and sampling="
        )
    if [s.name for s in plan.scenarios] != ["status_quo"]:
        raise ConfigError("the backtest forecasts the status quo, as it was; drop scenario= or experiment.scenarios")
    changed = [h.name for h in plan.hypotheses if "[" in h.name]
    if changed:
        raise ConfigError(
            f"the backtest runs the worldviews as their files set them; {changed[0]} is changed on the command line"
        )
    start = plan.cells[0].setup.start
    if start != (2021, 8) or plan.months < _months_from(START, LAST_RECORD_MONTH):
        raise ConfigError(
            "a backtest runs from the takeover: use experiment.initial=aug2021 and at least "
            f"{_months_from(START, LAST_RECORD_MONTH)} months"
        )
    return plan
