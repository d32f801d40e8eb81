"""Structured-config schema: what a scenario, hypothesis, starting point and experiment may say.

OmegaConf checks keys and types against these dataclasses; ranges and names
(scenario names, parameter names, state actors) are checked in sim.config.plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING

from sim.model.levers import Levers


@dataclass
class ScenarioConfig:
    name: str = MISSING
    label: str = MISSING
    description: str = MISSING
    sources: List[str] = field(default_factory=list)
    levers: Levers = field(default_factory=Levers)


@dataclass
class HypothesisConfig:
    name: str = MISSING
    label: str = MISSING
    description: str = MISSING
    sources: List[str] = field(default_factory=list)
    mechanisms: Dict[str, float] = field(default_factory=dict)
    params: Dict[str, Any] = field(default_factory=dict)


@dataclass
class InitialConfig:
    """The world on the first month: relation levels and each actor's state variables."""

    name: str = MISSING
    date: str = MISSING
    description: str = MISSING
    sources: List[str] = field(default_factory=list)
    relations: Dict[str, int] = field(default_factory=dict)
    state: Dict[str, Dict[str, Any]] = field(default_factory=dict)


@dataclass
class ExperimentConfig:
    name: str = MISSING
    description: str = MISSING
    initial: str = "jul2025"
    months: int = 120
    replications: int = 1000
    baseline: str = "status_quo"
    scenarios: List[str] = field(default_factory=lambda: ["status_quo"])
    hypotheses: List[str] = field(default_factory=lambda: ["engagement_moderates"])
    key_outcomes: List[str] = field(default_factory=list)
    report: str = "comparison"
    # settings of a decision analysis (report: robustness, sensitivity or discovery), checked by its module
    analysis: Dict[str, Any] = field(default_factory=dict)


@dataclass
class ExecutorConfig:
    """Where the tasks of a run execute: see sim.run.engine."""

    kind: str = "auto"  # auto, serial (this process) or local (a Dask LocalCluster on this machine)
    address: Optional[str] = None  # an existing Dask scheduler, e.g. tcp://10.0.0.5:8786; overrides kind
    workers: Optional[int] = None  # local: worker processes (None: one per core)
    worker_wait: float = 60  # address: seconds to wait for the scheduler's first worker


@dataclass
class Config:
    experiment: ExperimentConfig = MISSING
    replications: Optional[int] = None
    months: Optional[int] = None
    seed: int = 20250701
    out_dir: Optional[str] = None
    chunk_size: int = 10000
    progress: bool = True
    figures: bool = True
    overwrite: bool = False
    max_memory_gb: Optional[float] = None
    resume: bool = False
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)
    params: Dict[str, Any] = field(default_factory=dict)
    # a worldview's weight in the evidence-weighted answers (weights.NAME=W), replacing its weight from the record
    weights: Dict[str, Any] = field(default_factory=dict)
    # "auto": "matched" where the run compares policies, else "parameters" (sim.config.plan._auto_uncertainty);
    # "parameters": every assumption drawn per replication from its range; "matched": from the parameter points
    # the record leaves each worldview; "none": every assumption at its default
    uncertainty: str = "auto"
    # how the draws are spread: "random" (keyed by replication), "lhs" or "sobol" (a design over the whole run)
    sampling: str = "random"
    # chosen on the command line (scenario=NAME, hypothesis=NAME), then changeable there; None: the experiment's
    scenario: Optional[ScenarioConfig] = None
    hypothesis: Optional[HypothesisConfig] = None
