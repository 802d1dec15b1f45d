"""The package declares what it imports, with the same pins as the requirement files."""
import ast
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

tomllib = pytest.importorskip("tomllib")

TRAINER = Path(__file__).resolve().parent.parent


def project() -> dict:
    return tomllib.loads((TRAINER / "pyproject.toml").read_text())["project"]


def requirement_lines(name: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in (TRAINER / name).read_text().splitlines())
    return [line for line in lines if line]


def normalised(requirements: list[str]) -> set[str]:
    return {f"{canonicalize_name(r.name)}{r.specifier}" for r in map(Requirement, requirements)}


def test_runtime_dependencies_match_requirements_txt():
    assert normalised(project()["dependencies"]) == normalised(requirement_lines("requirements.txt"))


def test_dev_requirements_are_the_runtime_ones_plus_the_dev_extra():
    lines = requirement_lines("requirements-dev.txt")
    assert "-r requirements.txt" in lines
    assert "pytest" not in {Requirement(r).name for r in requirement_lines("requirements.txt")}
    extras = project()["optional-dependencies"]
    assert normalised([line for line in lines if not line.startswith("-r")]) == normalised(extras["dev"])
    assert normalised(extras["wandb"] + extras["mlflow"]) <= normalised(extras["dev"])


def test_the_environment_has_the_pinned_versions():
    extras = project()["optional-dependencies"]
    for requirement in map(Requirement, project()["dependencies"] + extras["dev"]):
        assert requirement.specifier.contains(metadata.version(requirement.name), prereleases=True), requirement


def imported_top_level_modules() -> set[str]:
    modules = set()
    for source in (TRAINER / "swe_rl_trainer").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"swe_rl_trainer"}


def test_every_third_party_import_is_declared():
    declared = {canonicalize_name(Requirement(r).name) for r in project()["dependencies"]}
    for extra in project()["optional-dependencies"].values():
        declared |= {canonicalize_name(Requirement(r).name) for r in extra}
    providers = metadata.packages_distributions()
    undeclared = {
        module: providers.get(module, ["?"])
        for module in imported_top_level_modules()
        if not declared & {canonicalize_name(d) for d in providers.get(module, [])}
    }
    assert undeclared == {}
