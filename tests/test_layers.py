"""The package's imports run one way, down the stages, with no circle; the model imports no file or framework.

Imports are read from the source (inside functions too), so a lazy import that points up a stage fails as well.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
# bottom to top; anything else under sim/ (cli, api, dashboard, ema, docs, the package itself) is a face on top
STAGES = ("model", "config", "store", "run", "analysis", "calibration", "report")
FACES = len(STAGES)
# what the model may not import: it knows nothing of files, configuration, workers or tables
MODEL_MAY_NOT_IMPORT = ("omegaconf", "hydra", "dask", "distributed", "pandas", "pyarrow", "fsspec", "matplotlib")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


MODULES = {module_name(p): p for p in sorted((ROOT / "sim").rglob("*.py"))}


def stage(module: str) -> int:
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else FACES


def imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.append((full if full in MODULES else node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def project_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module, path in MODULES.items():
        for target, _ in imports(path):
            if target in MODULES and target != module:
                graph.add_edge(module, target)
    return graph


def upward_imports() -> list[str]:
    return [
        f"{module} (line {line}) imports {target}, a stage above it"
        for module, path in MODULES.items()
        for target, line in imports(path)
        if target.startswith("sim.") and stage(target) > stage(module)
    ]


def test_every_stage_is_a_package_and_every_module_is_placed():
    for name in STAGES:
        assert (ROOT / "sim" / name / "__init__.py").is_file(), f"sim/{name}/ is not a package"
    # a module straight under sim/ is a face: the command line, the Python API, the EMA adapter
    loose = {m for m in MODULES if m.count(".") == 1 and m.split(".")[1] not in STAGES}
    assert loose <= {"sim.cli", "sim.api", "sim.ema", "sim.__main__", "sim.dashboard", "sim.docs"}, loose


def test_no_import_points_up_a_stage():
    assert upward_imports() == []


def test_every_import_is_one_the_house_check_can_read():
    """A relative import or a module loaded by name would slip past the checks above: the package has neither."""
    hidden = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                hidden.append(f"{module} (line {node.lineno}): relative import")
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in ("import_module", "__import__"):
                    hidden.append(f"{module} (line {node.lineno}): {name}()")
    assert hidden == []


def test_the_module_graph_has_no_circle():
    cycles = list(nx.simple_cycles(project_graph()))
    assert cycles == [], f"{len(cycles)} circles, e.g. {' -> '.join(min(cycles, key=len))}"


def test_the_model_imports_no_file_or_framework():
    wrong = [
        f"{module} (line {line}) imports {target}"
        for module, path in MODULES.items()
        if stage(module) == 0
        for target, line in imports(path)
        if target.split(".")[0] in MODEL_MAY_NOT_IMPORT
    ]
    assert wrong == []


def test_configuration_stops_at_the_edge():
    """Only the configuration stage and the faces read Hydra's objects; every stage above it gets plain data."""
    wrong = [
        f"{module} (line {line}) imports {target}"
        for module, path in MODULES.items()
        if stage(module) != STAGES.index("config") and stage(module) < FACES
        for target, line in imports(path)
        if target.split(".")[0] in ("omegaconf", "hydra")
    ]
    assert wrong == []


def test_the_check_sees_an_import_that_points_up(tmp_path, monkeypatch):
    """The checks above would pass on a broken house if they read nothing: plant an upward lazy import."""
    planted = tmp_path / "sim" / "model" / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("def f():\n    from sim.report.build import build_report\n", encoding="utf-8")
    monkeypatch.setitem(MODULES, "sim.model.planted", planted)
    assert upward_imports() == ["sim.model.planted (line 2) imports sim.report.build, a stage above it"]


@pytest.mark.parametrize(
    "lever_reader", ["sim/config/plan.py", "sim/dashboard/runner.py", "sim/dashboard/app.py", "sim/ema.py"]
)
def test_the_levers_are_declared_once(lever_reader):
    """Adding a lever is one line in sim/model/levers.py: no other module spells a list of the levers' names.

    Where levers are read outside the rules: the configuration's checks, the live page's runner and its sliders,
    and the EMA adapter; each takes them from the declaration."""
    from sim.model.levers import NUMERIC_LEVERS

    # a scenario may share a lever's name (pakistan_kinetic): naming the scenario is not naming the lever
    scenarios = {path.stem for path in (ROOT / "configs" / "scenario").glob("*.yaml")}
    names = {lever.name for lever in NUMERIC_LEVERS} - scenarios
    strings = [
        node.value
        for node in ast.walk(ast.parse((ROOT / lever_reader).read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names
    ]
    assert strings == [], f"{lever_reader} names levers itself: {strings}"
    assert "NUMERIC_LEVERS" in (ROOT / lever_reader).read_text(encoding="utf-8")


def test_no_second_list_of_levers_anywhere():
    """No module other than the declaration holds three or more lever names as strings (a second list)."""
    from sim.model.levers import NUMERIC_LEVERS

    names = {lever.name for lever in NUMERIC_LEVERS}
    lists = {}
    for module, path in MODULES.items():
        if module == "sim.model.levers":
            continue
        found = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names
        }
        if len(found) >= 3:
            lists[module] = sorted(found)
    assert lists == {}


def test_the_readme_layout_lists_every_stage():
    """The README's layout section names each stage's folder and the faces, and nothing that is not there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Layout\n+```text\n(.*?)```", text, re.S | re.M)
    assert section, "README.md has no '## Layout' section with a text block"
    listed = {line.split()[0] for line in section.group(1).splitlines() if line.strip()}
    for name in STAGES:
        assert f"sim/{name}/" in listed, f"the README's layout misses sim/{name}/"
    for entry in listed:
        assert (ROOT / entry.rstrip("/")).exists(), f"the README's layout lists {entry}, which is not there"


def test_the_tests_mirror_the_package():
    """Each folder of tests/ is a stage of sim/ or the faces; the whole-house checks sit at the top."""
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name not in ("artifacts", "__pycache__")}
    assert folders <= {*STAGES, "faces"}, folders - {*STAGES, "faces"}
    loose = sorted(p.name for p in (ROOT / "tests").glob("test_*.py"))
    assert loose == ["test_layers.py"], loose
