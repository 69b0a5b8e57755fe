"""``toolkit lint PATH`` on rule files loads what rule files need: not the dashboard machinery, the routing
tests, the live-server client or the project's rule and metric DSL (each is imported where it is used; their
cost is measured by ``python -m bench lint``, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_lint import alert, rules_file

# the modules a run imports beyond those the interpreter started with, as JSON on stderr
PROBE = """
import json, sys
before = set(sys.modules)
sys.argv = ["toolkit", "lint", "--jobs", "1", *{paths!r}]
from toolkit.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(set(sys.modules) - before)), file=sys.stderr)
"""
NOT_FOR_RULE_FILES = {
    "toolkit.bundle.dashboards": "dashboard normalization",
    "toolkit.bundle.migrate": "legacy dashboard migration",
    "toolkit.bundle.notes": "dashboard normalization notes",
    "toolkit.route_tests": "routing tests",
    "toolkit.testing.route_config": "routing tests",
    "toolkit.lint.live": "the --prometheus client",
    "toolkit.metrics": "the metric catalogue",
    "toolkit.rules": "the rule DSL",
    "sysconfig": "locating definitions in the user's Python",
}


def imported(*paths: Path) -> set[str]:
    """The modules a fresh interpreter imports to run ``toolkit lint --jobs 1 PATHS``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(paths=[str(p) for p in paths])],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_linting_rule_files_loads_no_dashboard_routing_live_or_dsl_code(tmp_path: Path) -> None:
    (tmp_path / "rules.yml").write_text(rules_file(alert(expr="up == 0")))
    modules = imported(tmp_path)
    assert "toolkit.lint.engine" in modules and "toolkit.sources.files" in modules
    loaded = {name: why for name, why in NOT_FOR_RULE_FILES.items() if name in modules}
    assert not loaded, f"`toolkit lint` on rule files imports what it does not use: {loaded}"


def test_a_dashboard_loads_the_dashboard_machinery(tmp_path: Path) -> None:
    """The probe sees a module imported where it is used (so the test above can fail)."""
    (tmp_path / "board.json").write_text(json.dumps({"uid": "b", "title": "B", "panels": []}))
    assert {"toolkit.bundle.dashboards", "toolkit.bundle.migrate"} <= imported(tmp_path)
