"""The registry an import edits (dashboards/__init__.py, alerts/__init__.py) stays as ruff keeps it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sample_project import REPO
from toolkit.errors import ProjectError
from toolkit.importer.registry import register

RUFF = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
HERE = Path("dashboards/__init__.py")


def add(text: str, *modules: str) -> str:
    for module in modules:
        text = register(text, "dashboards", module, "DASHBOARDS", "build", HERE)
    return text


CASES = {
    "empty": ('"""Dashboards."""\n\nDASHBOARDS = ()\n', ("b_10", "b_9")),
    "one line": (
        "from dashboards import api, cost\n\nDASHBOARDS = (api.build, cost.build)\n",
        ("zeta", "alpha"),
    ),
    "one per statement": (
        "from dashboards import api\nfrom dashboards import cost\n\nDASHBOARDS = (\n    api.build,\n    cost.build\n)\n",
        ("beta",),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_edited_registry_passes_ruff_check_and_format_as_written(tmp_path: Path, case: str) -> None:
    if not Path(RUFF).exists():
        pytest.skip("ruff is not installed (make setup installs the dev tools)")
    text, modules = CASES[case]
    edited = add(text, *modules)
    (tmp_path / "dashboards").mkdir()
    (tmp_path / HERE).write_text(edited)
    shutil.copy(REPO / "pyproject.toml", tmp_path)  # this repository's ruff rules (isort included)
    for check in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        done = subprocess.run([RUFF, *check, str(HERE)], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, edited + done.stdout + done.stderr
    compile(edited, str(HERE), "exec")  # valid Python; every new module imported and listed once
    for module in modules:
        assert edited.count(f"    {module},\n") == 1 and edited.count(f"{module}.build,") == 1


def test_names_are_sorted_as_ruffs_isort_sorts_them() -> None:
    edited = add("DASHBOARDS = ()\n", "b_10", "b_9", "a_b", "aB", "Abc", "ABC", "a2b")
    assert edited.startswith(
        "from dashboards import (\n    ABC,\n    Abc,\n    a2b,\n    a_b,\n    aB,\n    b_9,\n    b_10,\n)\n\n"
    )


def test_a_commented_import_is_kept_and_the_new_one_gets_its_own_line() -> None:
    text = "from dashboards import api  # the API team's\n\nDASHBOARDS = (\n    api.build  # first\n)\n"
    edited = add(text, "cost")
    assert edited == (
        "from dashboards import api  # the API team's\nfrom dashboards import cost\n\n"
        "DASHBOARDS = (\n    api.build,  # first\n    cost.build,\n)\n"
    )


def test_a_module_imported_already_is_refused() -> None:
    with pytest.raises(ProjectError, match="already imports api"):
        add("from dashboards import (\n    api,  # ours\n    cost,\n)\n\nDASHBOARDS = ()\n", "api")
