"""Hostile input and interruption (issue 15): one test per case, each asserting the exact message, the exit
code, and that nothing outside the target was written or left half-written."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sample_project import ALERTS, DASHBOARD, REPO, make_project, write
from toolkit.bundle import Bundle, DashboardEntry
from toolkit.cli import main
from toolkit.commands.progress import CLEAR, Progress
from toolkit.errors import BuildError, DefinitionError, ToolkitError
from toolkit.locations import SourceLocation
from toolkit.output.build import STAGING_PREFIX, render, write_build
from toolkit.paths import UnsafePathError
from toolkit.rules import AlertRule, RuleGroup, Severity
from toolkit.sources.code import load_project


def run(root: Path, *args: str, **env: str):
    return CliRunner().invoke(main, ["--project", str(root), *args], env=env or None)


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its size and sha256, so a half-written file shows up."""
    return {
        p.relative_to(folder).as_posix(): f"{p.stat().st_size}:{hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def register_alerts(project: Path, modules: str, rule_groups: str, tests: str = "") -> None:
    """Rewrite alerts/__init__.py to import ``modules`` and list the given registries."""
    registries = f"RULE_GROUPS = ({rule_groups},)\n" + (f"ALERT_TESTS = ({tests},)\n" if tests else "")
    write(project, "alerts/__init__.py", f"from alerts import {modules}\n\n{registries}")


def outside_build(root: Path) -> set[str]:
    """Files of the project that are not under build/ (to prove nothing else was written)."""
    return {p.relative_to(root.parent).as_posix() for p in root.parent.rglob("*") if "build" not in p.parts}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return make_project(root)


def built(project: Path) -> dict[str, str]:
    assert run(project, "build").exit_code == 0
    return tree_hash(project / "build")


def change_everything(project: Path) -> None:
    """A next version of the project whose build writes new files, changes some and removes one."""
    modules = {f"board{n}": DASHBOARD.format(uid=f"board{n}", title=f"Board {n}") for n in range(6)}
    make_project(project, modules)
    (project / "dashboards/overview.py").unlink()


# --- writes outside the project ------------------------------------------------------------------------


def test_a_dashboard_uid_with_a_path_never_writes_outside_build(project: Path) -> None:
    write(project, "dashboards/overview.py", DASHBOARD.format(uid="../../../evil", title="Evil"))
    before = outside_build(project)
    result = run(project, "build")
    assert (result.exit_code, result.output) == (
        2,
        "Error: dashboards/overview.py:5: dashboard uid '../../../evil': Grafana accepts 1-40 letters, digits, "
        "'-' or '_' (e.g. the module's name)\n",
    )
    assert outside_build(project) == before and not (project / "build").exists()


def test_the_build_refuses_any_output_path_that_leaves_build_naming_the_definition(tmp_path: Path) -> None:
    where = SourceLocation("dashboards/evil.py", 7)
    evil = Bundle(dashboards=(DashboardEntry(uid="../../../evil", data={}, source=where),))
    with pytest.raises(BuildError) as refused:
        render(evil)
    assert str(refused.value) == (
        "dashboards/evil.py:7: dashboard uid '../../../evil' cannot name a file under build/ "
        "('../../../evil.json'): use letters, digits, '-', '_' and '.', not starting with '.'"
    )
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "dashboards").symlink_to(tmp_path.parent)
    with pytest.raises(UnsafePathError, match=r"refusing to write 'dashboards/x.json': it resolves outside "):
        write_build(tmp_path, {"dashboards/x.json": b"{}\n"})
    assert not (tmp_path.parent / "x.json").exists()


def test_a_hostile_uid_in_built_json_never_leads_render_or_diff_previews_outside(
    project: Path, tmp_path: Path
) -> None:
    # build/ comes from a pull request in CI: its JSON, not the Python, names the SVG files
    built(project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    board = project / "build/dashboards/overview.json"
    board.write_text(board.read_text().replace('"uid": "overview"', '"uid": "../../evil"'))
    before = outside_build(project)
    out = tmp_path / "out"
    rendered = run(project, "render", "--all", str(out / "svgs"))
    assert (rendered.exit_code, rendered.output) == (
        2,
        f"Error: refusing to write '../../evil.svg': it resolves outside {out / 'svgs'}\n",
    )
    diffed = run(project, "diff", "--base", "HEAD", "--format", "markdown", "--previews", str(out / "p"))
    assert (diffed.exit_code, diffed.output.splitlines()[-1]) == (
        2,
        f"Error: refusing to write '../../evil.before.svg': it resolves outside {out / 'p'}",
    )
    assert outside_build(project) - before == {"out/svgs", "out/p", "out"}


def test_a_rule_group_file_with_a_separator_is_refused_at_its_line() -> None:
    with pytest.raises(DefinitionError) as refused:
        RuleGroup("g", [AlertRule("A", "up == 0", "s", "d", Severity.INFO)], file="../evil.yml")
    line = sys._getframe().f_lineno - 1
    assert str(refused.value) == (
        f"{__file__}:{line}: rule group g: file '../evil.yml' must be a file name (no folder, not hidden) "
        "ending in .yml or .yaml, e.g. 'api.rules.yml'"
    )


# --- half-written state ----------------------------------------------------------------------------------

# Runs `toolkit build` in a real process whose staging of the new files stops half-way (after the third of
# the six changed files is written) until the test signals it: a deterministic point in the middle of the write.
PAUSED_BUILD = """
import sys
import toolkit.output.build as build

stage = build._stage
staged = []


def paused(folder, path, data):
    stage(folder, path, data)
    staged.append(path)
    if len(staged) == 3:
        print("half written", file=sys.stderr, flush=True)
        sys.stdin.readline()


build._stage = paused
from toolkit.cli import main

main(["--project", sys.argv[1], "build"])
"""

# Sends itself SIGINT as the commit (the renames into build/) starts: the signal must wait for it to end.
SIGNAL_AT_COMMIT = """
import os, signal, sys
import toolkit.output.build as build

commit = build._commit


def signalled(*args):
    os.kill(os.getpid(), signal.SIGINT)
    commit(*args)


build._commit = signalled
from toolkit.cli import main

main(["--project", sys.argv[1], "build"])
"""


SIGNALS = pytest.mark.parametrize(
    ("signum", "code", "message"),
    [(signal.SIGINT, 130, "Interrupted (Ctrl-C)."), (signal.SIGTERM, 143, "Terminated (SIGTERM).")],
)


def child(script: str, project: Path, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **env}
    return subprocess.Popen(
        [sys.executable, "-c", script, str(project)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


@SIGNALS
def test_a_build_interrupted_mid_write_leaves_build_as_it_was(
    project: Path, signum: int, code: int, message: str
) -> None:
    before = built(project)
    change_everything(project)
    outside = outside_build(project)
    process = child(PAUSED_BUILD, project)
    try:
        assert process.stderr.readline() == "half written\n"
        assert any(project.glob(f"{STAGING_PREFIX}*/new/dashboards/*.json")), "new files are being written"
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (code, "", f"{message}\n")
    assert tree_hash(project / "build") == before
    assert outside_build(project) == outside and not list(project.glob(f"{STAGING_PREFIX}*"))


def test_ctrl_c_during_the_commit_waits_for_it_so_build_is_wholly_new(project: Path) -> None:
    built(project)
    change_everything(project)
    process = child(SIGNAL_AT_COMMIT, project)
    stdout, stderr = process.communicate(timeout=120)
    assert (process.returncode, stdout, stderr) == (130, "", "Interrupted (Ctrl-C).\n")
    wanted = render(load_project(project).bundle)
    assert {p: (project / "build" / p).read_bytes() for p in wanted} == wanted
    assert sorted(tree_hash(project / "build")) == sorted(wanted)
    assert not list(project.glob(f"{STAGING_PREFIX}*"))


def test_a_disk_error_mid_build_leaves_build_as_it_was(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = built(project)
    change_everything(project)
    writes = []
    real_write = Path.write_bytes

    def disk_full(path: Path, data: bytes) -> int:
        writes.append(path)
        if len(writes) == 3:
            raise OSError(28, "No space left on device", str(path))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    result = run(project, "build")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: cannot write build/{writes[2].relative_to(writes[2].parents[1]).as_posix()}: [Errno 28] No space "
        f"left on device: '{writes[2]}'; build/ is unchanged\n"
    )
    assert tree_hash(project / "build") == before and not list(project.glob(f"{STAGING_PREFIX}*"))


def failing_renames(monkeypatch: pytest.MonkeyPatch, first: int, last: float = 0) -> list[str]:
    """Make renames number ``first`` to ``last`` (only ``first`` when no ``last``) fail with EIO; the
    destinations of every rename so far are in the list returned."""
    renames: list[str] = []
    real_replace = os.replace

    def flaky(source: object, destination: object) -> None:
        renames.append(str(destination))
        if first <= len(renames) <= max(first, last):
            raise OSError(5, "Input/output error", str(destination))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", flaky)
    return renames


@pytest.mark.parametrize("failing", [1, 4, 7, 8])
def test_a_rename_failing_mid_commit_puts_the_old_files_back(
    project: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    # the commit renames in 6 new dashboards and a changed rule file (7), then renames the removed dashboard
    # out (8); whichever fails, the files already moved are put back from the staged old copies
    before = built(project)
    change_everything(project)
    write(project, "alerts/basic.py", ALERTS.replace("A target is down.", "A target went down."))
    renames = failing_renames(monkeypatch, failing)
    result = run(project, "build")
    assert (result.exit_code, result.output) == (
        2,
        f"Error: cannot move the new files into {project / 'build'}: [Errno 5] Input/output error: "
        f"'{renames[failing - 1]}'; build/ is unchanged\n",
    )
    assert tree_hash(project / "build") == before and not list(project.glob(f"{STAGING_PREFIX}*"))


def test_without_hard_links_the_old_copies_are_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = built(project)
    write(project, "dashboards/overview.py", DASHBOARD.format(uid="overview", title="Renamed"))
    write(project, "alerts/basic.py", ALERTS.replace("A target is down.", "A target went down."))

    def no_links(source: object, destination: object) -> None:
        raise OSError(1, "Operation not permitted", str(destination))

    monkeypatch.setattr(os, "link", no_links)
    renames = failing_renames(monkeypatch, 2)  # the rule file, after the dashboard was moved in
    result = run(project, "build")
    assert result.output.startswith("Error: cannot move the new files into ") and len(renames) == 3
    assert tree_hash(project / "build") == before


def test_a_failed_commit_removes_the_folders_it_made(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built(project)
    shutil.rmtree(project / "build/dashboards")
    before = tree_hash(project / "build")
    failing_renames(monkeypatch, 1)
    assert run(project, "build").exit_code == 2
    assert tree_hash(project / "build") == before and not (project / "build/dashboards").exists()


def test_a_failed_commit_brings_back_the_folders_it_emptied(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(project)
    (project / "build/aside").mkdir()
    before = tree_hash(project / "build")
    write(project, "dashboards/__init__.py", "DASHBOARDS = ()\n")
    (project / "dashboards/overview.py").unlink()
    real_rmdir = Path.rmdir

    def refused(folder: Path) -> None:
        if (
            folder.name == "aside"
        ):  # emptied folders go deepest and last in name order first: after dashboards/
            raise OSError(16, "Device or resource busy", str(folder))
        real_rmdir(folder)

    monkeypatch.setattr(Path, "rmdir", refused)
    result = run(project, "build")
    assert result.exit_code == 2 and result.output.endswith("; build/ is unchanged\n")
    assert tree_hash(project / "build") == before and (project / "build/aside").is_dir()


def test_a_commit_that_cannot_be_undone_says_build_is_mixed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(project)
    change_everything(project)
    write(project, "alerts/basic.py", ALERTS.replace("A target is down.", "A target went down."))
    failing_renames(monkeypatch, 8, math.inf)  # the removal, then putting back the replaced rule file
    result = run(project, "build")
    assert result.exit_code == 2
    assert result.output.endswith(
        "; putting the old ones back failed too ([Errno 5] Input/output error: "
        f"'{project / 'build/prometheus/test-alerts.yml'}'): build/ may mix old and new files, run the build "
        "again\n"
    )


def test_a_staging_folder_left_by_a_killed_build_is_removed_but_not_a_running_ones(project: Path) -> None:
    killed = project / f"{STAGING_PREFIX}999999999-abc"
    running = project / f"{STAGING_PREFIX}{os.getpid()}-abc"
    for folder in (killed, running):
        (folder / "dashboards").mkdir(parents=True)
        (folder / "dashboards" / "half.json").write_text("")
    built(project)
    assert not killed.exists() and (running / "dashboards" / "half.json").exists()


def test_build_check_writes_nothing(project: Path) -> None:
    before = built(project)
    change_everything(project)
    outside = outside_build(project)
    result = run(project, "build", "--check")
    assert result.exit_code == 1 and result.output.startswith("Error: build/ is stale; run `make build`")
    assert tree_hash(project / "build") == before and outside_build(project) == outside


def test_the_build_result_still_says_what_it_wrote_removed_and_left(project: Path) -> None:
    built(project)
    write(project, "dashboards/overview.py", DASHBOARD.format(uid="overview", title="Renamed"))
    result = run(project, "build")
    assert result.output.splitlines() == [
        "wrote build/dashboards/overview.json",
        "1 written, 0 removed, 2 unchanged",
    ]


PROMTOOL_SHIM = """#!/bin/sh
echo $$ >> "$SHIM_PIDS"
exec sleep 600
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@SIGNALS
def test_toolkit_test_stops_promtool_and_removes_its_temp_dir_on_a_signal(
    tmp_path: Path, signum: int, code: int, message: str
) -> None:
    # a promtool that never finishes: without the fix the run waits for it, so only a prompt exit passes
    shims, temp, pids = tmp_path / "bin", tmp_path / "tmp", tmp_path / "pids"
    shims.mkdir()
    temp.mkdir()
    (shims / "promtool").write_text(PROMTOOL_SHIM)
    (shims / "promtool").chmod(0o755)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PATH": f"{shims}:{os.environ['PATH']}",
        "TMPDIR": str(temp),
        "SHIM_PIDS": str(pids),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "--project", str(REPO), "test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    started: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not started and time.monotonic() < deadline and process.poll() is None:
            started = [int(p) for p in pids.read_text().split()] if pids.exists() else []
            time.sleep(0.05)
        assert started, "promtool was started"
        assert list(temp.glob("toolkit-test-*"))
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
        for pid in [int(p) for p in pids.read_text().split()] if pids.exists() else []:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert (process.returncode, stderr) == (code, f"{message}\n")
    assert not [pid for pid in started if _alive(pid)], "no promtool outlives toolkit test"
    assert list(temp.iterdir()) == []


def test_toolkit_test_leaves_no_promtool_storage_behind_when_interrupted(tmp_path: Path) -> None:
    # the real promtool, stopped while it holds its temporary test storage (which it cannot remove when killed)
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "--project", str(REPO), "test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("toolkit-test-*/promtool-tmp/*")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert list(tmp_path.glob("toolkit-test-*/promtool-tmp/*")), "promtool made its storage"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, stderr) == (130, "Interrupted (Ctrl-C).\n")
    assert list(tmp_path.iterdir()) == []


# --- silently wrong rules --------------------------------------------------------------------------------


def test_a_duration_without_a_unit_fails_at_its_definition() -> None:
    with pytest.raises(DefinitionError) as refused:
        AlertRule("A", "up == 0", "s", "d", Severity.INFO, for_="5")
    line = sys._getframe().f_lineno - 1
    assert str(refused.value) == (
        f"{__file__}:{line}: alert A: for '5' is not a Prometheus duration: it needs a unit, "
        "e.g. '5s' or '5m'"
    )
    assert AlertRule("A", "up == 0", "s", "d", Severity.INFO, for_="0").for_ == "0s"


def test_two_rule_groups_with_one_name_fail_the_build_naming_both(project: Path) -> None:
    write(project, "alerts/again.py", ALERTS.replace("ServiceDown", "ServiceGone"))
    register_alerts(project, "again, basic", "basic.groups, again.groups")
    result = run(project, "build")
    assert result.exit_code == 2
    assert result.output == (
        "Error: alerts/again.py:6: duplicate rule group name 'test-alerts' in test-alerts.yml: defined at "
        "alerts/basic.py:6 and at alerts/again.py:6; give each group of a file its own name\n"
    )
    assert not (project / "build").exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: AlertRule("A", "up", "s", "d", Severity.INFO, labels={"bad-name": "x"}),
            "alert A: label name 'bad-name' is not a valid label name",
        ),
        (
            lambda: AlertRule("A", "up", "s", "d", Severity.INFO, annotations={"9lives": "x"}),
            "alert A: annotation name '9lives' is not a valid label name",
        ),
        (
            lambda: __import__("toolkit.metrics").metrics.Metric("http-requests", "gauge", "h."),
            "metric name ",
        ),
        (
            lambda: __import__("toolkit.metrics").metrics.Metric("up", "gauge", "h.", labels=("__x",)),
            "metric up: '__x' is not a label name",
        ),
    ],
)
def test_label_and_metric_names_follow_prometheus_where_they_are_made(make, message: str) -> None:
    # Prometheus 3 accepts UTF-8 names; the toolkit keeps the classic set, which Prometheus 2 (promtool
    # 2.42 here), Alertmanager matchers and PromQL without quoting all accept.
    with pytest.raises(DefinitionError, match=f"^{__file__}:[0-9]+: " + message.replace("(", r"\(")):
        make()


# --- errors point at the user's line, never at library or generated code -------------------------------


def test_an_attrs_validator_error_points_at_the_users_line(project: Path) -> None:
    write(
        project,
        "dashboards/overview.py",
        """
        from grafanalib.core import Threshold


        def build(settings):
            return Threshold(color="red", index=0, value="high")
        """,
    )
    result = run(project, "build")
    assert result.exit_code == 2
    assert result.output == (
        "Error: dashboards/overview.py:5: dashboards.overview.build raised TypeError: 'value' must be "
        "<class 'float'> (got 'high' that is a <class 'str'>).\n"
    )


def test_an_error_inside_a_generated_init_points_at_the_users_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)  # where `<string>` once resolved to a path inside the project
    write(
        project,
        "alerts/checks.py",
        """
        from toolkit.alert_tests import AlertTest


        def tests(settings):
            return [AlertTest("ServiceDown", {'up{job="a"}': "0x10"}, fires_at="5m", interval="5")]
        """,
    )
    register_alerts(project, "basic, checks", "basic.groups", "checks.tests")
    result = run(project, "build")
    assert result.exit_code == 2
    assert result.output == (
        "Error: alerts/checks.py:5: test of alert ServiceDown: interval '5' is not a Prometheus duration: "
        "it needs a unit, e.g. '5s' or '5m'\n"
    )


def test_an_error_in_an_alerts_module_names_that_module(project: Path) -> None:
    write(project, "dashboards/overview.py", "from alerts import basic\n\n\ndef build(settings):\n    pass\n")
    write(project, "alerts/basic.py", "import json\n\nTHRESHOLD = json.loads('{')\n")
    result = run(project, "build")
    assert result.exit_code == 2
    assert result.output.startswith(
        "Error: alerts/basic.py:3: importing alerts.basic raised JSONDecodeError: "
    )
    assert "dashboards" not in result.output


# --- exit codes and the error boundary, command by command -----------------------------------------------

PROJECT_COMMANDS = [
    ["build"],
    ["build", "--check"],
    ["test"],
    ["lint"],
    ["diff"],
    ["render", "api"],
    ["sync", "--dry-run"],
]


@pytest.mark.parametrize("args", PROJECT_COMMANDS, ids=" ".join)
@pytest.mark.parametrize(
    ("raised", "code", "message"),
    [
        (KeyboardInterrupt(), 130, "Interrupted (Ctrl-C).\n"),
        (ToolkitError("toolkit.yaml: broken"), 2, "Error: toolkit.yaml: broken\n"),
        (
            PermissionError(13, "Permission denied", "toolkit.yaml"),
            2,
            "Error: toolkit.yaml: Permission denied\n",
        ),
        (
            RuntimeError("boom"),
            2,
            "Error: internal error (RuntimeError: boom): this is a toolkit bug; please report it with the command "
            "you ran (set TOOLKIT_TRACEBACK=1 to see where it happened)\n",
        ),
    ],
)
def test_every_failure_is_one_line_and_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, args: list[str], raised: BaseException, code: int, message: str
) -> None:
    def fail(start: Path) -> Path:
        raise raised

    monkeypatch.delenv("TOOLKIT_TRACEBACK", raising=False)
    monkeypatch.setattr("toolkit.project_root.find_root", fail)
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.output) == (code, message)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["test", "--junit", "{file}/alerts.xml"],
            "Error: --junit {file}/alerts.xml: cannot write: {file} is a file, not a folder\n",
        ),
        (
            ["render", "api", "--out", "{file}/api.svg"],
            "Error: --out {file}/api.svg: cannot write: {file} is a file, not a folder\n",
        ),
        (
            ["render", "--all", "{file}/svgs"],
            "Error: --all {file}/svgs: cannot write: {file} is a file, not a folder\n",
        ),
    ],
)
def test_an_output_path_that_cannot_be_written_is_an_error(
    tmp_path: Path, args: list[str], message: str
) -> None:
    file = tmp_path / "file.txt"
    file.write_text("a file, not a folder\n")
    args = [a.format(file=file) for a in args]
    if args[0] == "test":
        args.insert(1, "ServiceDown")
    result = run(REPO, *args)
    assert result.exit_code == 2
    assert result.output.endswith(message.format(file=file))
    assert file.read_text() == "a file, not a folder\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=root, check=True, capture_output=True
    )


def test_diff_errors_exit_2_and_an_unwritable_previews_folder_too(project: Path, tmp_path: Path) -> None:
    built(project)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    write(project, "dashboards/overview.py", DASHBOARD.format(uid="overview", title="Renamed"))
    built(project)
    bad = run(project, "diff", "--base", "no-such-rev")
    assert (bad.exit_code, bad.output) == (
        2,
        "Error: cannot read build/ at no-such-rev: fatal: Not a valid object name no-such-rev\n",
    )
    unknown = run(project, "diff", "--live", "--context", "nowhere")
    assert unknown.exit_code == 2 and "no context 'nowhere' in toolkit.yaml" in unknown.output
    file = tmp_path / "file.txt"
    file.write_text("")
    previews = run(project, "diff", "--base", "HEAD", "--format", "markdown", "--previews", f"{file}/p")
    assert (previews.exit_code, previews.output.splitlines()[-1]) == (
        2,
        f"Error: --previews {file}/p: cannot write: {file} is a file, not a folder",
    )
    assert run(project, "diff", "--base", "HEAD").exit_code == 1


def test_lint_show_suppressed_does_not_turn_a_pass_into_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(
        "groups:\n  - name: db\n    rules:\n"
        "      - alert: Connections # toolkit lint ignore promql/impossible: kept for the demo\n"
        "        expr: up > 1\n        for: 5m\n"
        "        labels: {severity: warning, team: db}\n"
        "        annotations: {summary: s, description: d, runbook_url: u}\n"
    )
    plain = CliRunner().invoke(main, ["lint", str(path)])
    shown = CliRunner().invoke(main, ["lint", "--show-suppressed", str(path)])
    assert (plain.exit_code, shown.exit_code) == (0, 0)
    assert "promql/impossible" in shown.output and "kept for the demo" in shown.output


# --- quiet surprises -------------------------------------------------------------------------------------


def test_an_unregistered_module_is_reported_by_build_and_lint_with_the_line_to_add(project: Path) -> None:
    write(project, "dashboards/mine.py", DASHBOARD.format(uid="mine", title="Mine"))
    write(project, "alerts/more.py", ALERTS.replace("test-alerts", "more-alerts"))
    write(project, "alerts/_helpers.py", "LIMIT = 1\n")
    expected = (
        "warning: dashboards/mine.py is not registered: add mine.build to DASHBOARDS in dashboards/__init__.py\n"
        "warning: alerts/more.py is not registered: add more.groups to RULE_GROUPS in alerts/__init__.py\n"
    )
    build = CliRunner().invoke(main, ["--project", str(project), "build"])
    assert (build.exit_code, build.stderr) == (0, expected)
    lint = CliRunner().invoke(main, ["--project", str(project), "lint"])
    assert lint.stderr.startswith(expected)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal_outside_ci_and_without_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    terminal = Terminal()
    with Progress(None, "testing", total=3, stream=terminal, delay=0) as progress:
        progress.advance(2)
        deadline = time.monotonic() + 10
        while "testing 2/3" not in terminal.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    drawn = terminal.getvalue()
    assert (
        f"{CLEAR}testing 2/3 (0 s)" in drawn
        and drawn.startswith(f"{CLEAR}testing ")
        and drawn.endswith(CLEAR)
    )
    piped = io.StringIO()
    with Progress(None, "testing", stream=piped, delay=0):
        pass
    assert not Progress(None, "x", stream=piped).enabled and piped.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    assert not Progress(None, "x", stream=Terminal()).enabled
    monkeypatch.delenv("CI")
    quiet = CliRunner().invoke(main, ["build", "--quiet", "-h"])
    assert quiet.exit_code == 0 and "--quiet" in quiet.output


def test_an_alert_test_interval_without_a_unit_fails_at_its_line() -> None:
    from toolkit.alert_tests import AlertTest

    with pytest.raises(DefinitionError) as refused:
        AlertTest("ServiceDown", {"up": "0x10"}, fires_at="5m", interval="5")
    line = sys._getframe().f_lineno - 1
    assert str(refused.value) == (
        f"{__file__}:{line}: test of alert ServiceDown: interval '5' is not a Prometheus duration: it needs a "
        "unit, e.g. '5s' or '5m'"
    )


def test_a_giant_grid_position_is_checked_without_walking_its_cells(tmp_path: Path) -> None:
    # the grid check once marked every cell a panel covers: "h": 10**9 took the machine's memory
    panels = [
        {"id": 1, "type": "text", "title": "Tall", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 10**9}},
        {"id": 2, "type": "text", "title": "Inside", "gridPos": {"x": 3, "y": 10**8, "w": 4, "h": 2}},
        {"id": 3, "type": "text", "title": "Below", "gridPos": {"x": 0, "y": 10**9, "w": 24, "h": 2}},
    ]
    path = tmp_path / "tall.json"
    path.write_text(json.dumps({"uid": "tall", "title": "Tall", "schemaVersion": 41, "panels": panels}))
    result = CliRunner().invoke(main, ["lint", "--format", "json", str(path)])
    grid = [f["message"] for f in json.loads(result.output) if f["check"] == "dashboard/grid"]
    assert grid == ["overlaps panel 'Tall'"]
