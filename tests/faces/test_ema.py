"""The EMA Workbench model: its inputs and outputs are the model's declarations, and EMA's own client runs it."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

import sim.ema  # noqa: E402
from sim.config.names import ConfigError, available
from sim.config.plan import _check_scenario
from sim.config.schema import Levers, ScenarioConfig  # noqa: E402
from sim.model.actors import STATES  # noqa: E402
from sim.model.outcomes import OUTCOMES  # noqa: E402
from sim.model.rules import PARAMS  # noqa: E402
from sim.model.sampling import uncertain_parameters  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MONTHS = 12


@pytest.fixture(scope="module")
def model():
    return sim.ema.model(months=MONTHS)


def test_outcomes_are_the_declared_ones_with_their_units(model):
    ema = sim.ema.workbench()
    assert [o.name for o in model.outcomes] == [o.name for o in OUTCOMES]
    for declared, outcome in zip(OUTCOMES, model.outcomes):
        assert isinstance(outcome, ema.ScalarOutcome)
        assert outcome.unit == declared.unit
        assert declared.unit in outcome.description and declared.description in outcome.description
        expected = {"lower": outcome.MINIMIZE, "higher": outcome.MAXIMIZE}.get(declared.better, outcome.INFO)
        assert outcome.kind == expected, declared.name


def test_uncertainties_span_the_ranges_sampling_draws_from(model):
    by_name = {u.name: u for u in model.uncertainties}
    declared = uncertain_parameters()
    assert len(by_name) == len(declared) + 1  # and the hypothesis
    for p in declared:
        u = by_name[sim.ema.ema_name(p.name)]
        assert u.variable_name == [p.name]
        assert (u.lower_bound, u.upper_bound) == p.sampling_range, p.name
        assert u.default == p.default
        assert isinstance(u.lower_bound, int) == p.integer
    assert [c.name for c in by_name["hypothesis"].categories] == available("hypothesis")
    assert not any(name.startswith("mechanism") for name in by_name)  # the hypothesis sets the weights


def test_lever_ranges_are_what_the_configuration_accepts(model):
    by_name = {lv.name: lv for lv in model.levers}
    numeric = [f.name for f in dataclasses.fields(Levers) if f.type in ("float", float)]
    assert numeric and set(numeric) <= set(by_name)
    for name in numeric:
        lever = by_name[name]
        for inside in (lever.lower_bound, lever.upper_bound):
            _check_scenario(ScenarioConfig(levers=Levers(**{name: inside})), "test")
        for outside in (lever.lower_bound - 1e-6, lever.upper_bound + 1e-6):
            with pytest.raises(ConfigError):
                _check_scenario(ScenarioConfig(levers=Levers(**{name: outside})), "test")
    for state in STATES:
        assert by_name[f"desire_shift__{state}"].variable_name == [f"desire_shift.{state}"]
        assert (by_name[f"max_relation__{state}"].lower_bound, by_name[f"max_relation__{state}"].upper_bound) == (0, 4)
        assert by_name[f"conditional__{state}"].default == (state in model.function.base.levers.conditional)


def test_an_experiment_sets_the_sampled_values_and_the_hypothesis_wins_where_it_fixes_one(model):
    function = model.function
    fixed = {h: {k: v for k, v in params.items() if not k.startswith("mechanism.")}
             for h, params in function.hypothesis_params.items()}
    hypothesis = next((h for h, f in fixed.items() if f), None)
    free = next(p.name for p in uncertain_parameters() if not any(p.name in f for f in fixed.values()))
    p = PARAMS[free]
    setup = function.setup({free: p.sampling_range[1], "sanctions": 0.9, "conditional.pakistan": True,
                            "desire_shift.iran": -1.5, "hypothesis": available("hypothesis")[-1]})
    assert setup.params[free] == p.sampling_range[1]
    assert setup.levers.sanctions == 0.9 and "pakistan" in setup.levers.conditional
    assert setup.levers.desire_shift["iran"] == -1.5
    assert function.base.levers.desire_shift.get("iran", 0.0) != -1.5  # the baseline itself is untouched
    if hypothesis is not None:
        key, value = next(iter(fixed[hypothesis].items()))
        other = PARAMS[key].low if value != PARAMS[key].low else PARAMS[key].high
        assert function.setup({key: other, "hypothesis": hypothesis}).params[key] == value
    with pytest.raises(ValueError, match="neither"):
        function.setup({"no_such_lever": 1.0})


def test_perform_experiments_runs_the_model_and_a_lever_moves_the_result(model):
    ema = sim.ema.workbench()
    aid = next(lv for lv in model.levers if lv.name == "aid_funding")
    policies = [ema.Sample("cut", aid_funding=aid.lower_bound), ema.Sample("tripled", aid_funding=aid.upper_bound)]
    experiments, outcomes = ema.perform_experiments(model, scenarios=3, policies=policies, log_progress=False)
    assert len(experiments) == 6
    assert set(outcomes) == {o.name for o in OUTCOMES}
    assert all(np.isfinite(v).all() for v in outcomes.values())
    cut = (experiments["policy"] == "cut").to_numpy()
    assert (experiments["aid_funding"][cut] == aid.lower_bound).all()
    # the same three futures under each policy: more aid delivers more in every one of them
    delivered = outcomes["aid_delivered"]
    order = np.argsort(experiments["scenario"].astype(str).to_numpy(), kind="stable")
    low = delivered[order][cut[order]]
    high = delivered[order][~cut[order]]
    assert (high > low).all(), (low, high)


def test_the_ensemble_evaluator_gives_the_sequential_evaluators_numbers(model):
    ema = sim.ema.workbench()
    policies = [ema.Sample("a", sanctions=0.1, conditional__pakistan=True), ema.Sample("b", sanctions=0.9)]
    from ema_workbench.em_framework.samplers import LHSSampler

    scenarios = list(LHSSampler().generate_samples(model.uncertainties, 3, rng=7))
    one_by_one = ema.perform_experiments(model, scenarios, policies, evaluator=ema.SequentialEvaluator(model))
    together = ema.perform_experiments(model, scenarios, policies, evaluator=sim.ema.evaluator(model))
    for name, values in one_by_one[1].items():
        np.testing.assert_array_equal(together[1][name], values, err_msg=name)
    assert not np.array_equal(one_by_one[1]["deaths_pakistan"][:3], one_by_one[1]["deaths_pakistan"][3:])
    # a user may keep only some outcomes (EMA's own way: delete the others)
    fewer = sim.ema.model(months=MONTHS)
    for name in [o.name for o in fewer.outcomes if o.name not in ("aid_delivered", "civil_war")]:
        del fewer.outcomes[name]
    narrowed = ema.perform_experiments(fewer, scenarios, policies, evaluator=sim.ema.evaluator(fewer))
    assert set(narrowed[1]) == {"aid_delivered", "civil_war"}
    for name, values in narrowed[1].items():
        np.testing.assert_array_equal(values, one_by_one[1][name], err_msg=name)


def test_a_missing_workbench_is_one_line():
    code = (
        "import sys, runpy; sys.modules['ema_workbench'] = None; "
        "sys.argv = ['ema_example.py', '--scenarios', '2', '--policies', '2']; "
        "runpy.run_path('experiments/ema_example.py', run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "pip install 'sim[ema]'" in done.stderr, done.stderr


@pytest.mark.slow
def test_the_example_prints_its_findings_and_saves_its_figure_where_asked(tmp_path):
    out = tmp_path / "figures"
    done = subprocess.run(
        [sys.executable, "experiments/ema_example.py", "--scenarios", "4", "--policies", "2", "--months", "12",
         "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "feature scores" in done.stdout and "PRIM" in done.stdout
    assert (out / "prim_tradeoff.png").stat().st_size > 1000
    assert "Warning" not in done.stderr
    again = subprocess.run(
        [sys.executable, "experiments/ema_example.py", "--scenarios", "4", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert again.returncode == 2 and "exists" in again.stderr and again.stderr.count("\n") == 1
