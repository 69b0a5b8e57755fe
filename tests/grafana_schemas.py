"""Grafana's official schemas (../shared, beside the repository) for tests: the dashboard checker and each
panel plugin's Options schema."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from typing import Any

import jsonschema
import pytest

from tests.sample_project import REPO

SCHEMAS = REPO.parent / "shared" / "grafana-schemas"
CHECKER = REPO.parent / "shared" / "tools" / "grafana_schema_check.py"
# Schema files named otherwise than the panel type (the checker looks up <type>.jsonschema.json).
SCHEMA_FILES = {
    "state-timeline": "statetimeline",
    "status-history": "statushistory",
    "dashlist": "dashboardlist",
}
needs_schemas = pytest.mark.skipif(
    not CHECKER.is_file() or not SCHEMAS.is_dir(),
    reason="../shared/grafana-schemas and tools are not beside the repo",
)


@cache
def checker() -> Any:
    """The shared ``grafana_schema_check`` module."""
    spec = importlib.util.spec_from_file_location("grafana_schema_check", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dashboard_errors(board: dict[str, Any]) -> list[str]:
    """What the shared checker finds wrong with ``board``."""
    return checker().check_dashboard(board)


def options_errors(panel: dict[str, Any]) -> list[str]:
    """Errors of ``panel["options"]`` against its plugin's Options schema, found by type even where the
    checker's file lookup misses it (state-timeline, status-history, dashlist); [] for plugins without a schema."""
    path = SCHEMAS / f"{SCHEMA_FILES.get(panel['type'], panel['type'])}.jsonschema.json"
    if not path.is_file():
        return []
    definitions = json.loads(path.read_text())["definitions"]
    validator = jsonschema.Draft7Validator({"$ref": "#/definitions/Options", "definitions": definitions})
    return [error.message for error in validator.iter_errors(panel["options"])]
