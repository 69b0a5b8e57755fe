"""The console script (``toolkit.__main__.run``) ends its process without the interpreter's teardown: what
a run prints, its exit code, the exit handlers and running threads must all come through as before."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from toolkit.cli import main

RULE = """\
  - alert: Quiet{n}
    expr: sum(rate(http_requests_total[5m])) > 1
    annotations: {{summary: "{{{{ $labels.job }}}} is loud"}}
"""


def entry(*args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    """A fresh interpreter running ``before`` (code) and then the console script with ``args``."""
    code = f"import sys\n{before}\nsys.argv = ['toolkit', *{list(args)!r}]\nfrom toolkit.__main__ import run\nrun()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def many_findings(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text("groups:\n- name: g\n  rules:\n" + "".join(RULE.format(n=n) for n in range(count)))
    return path


def test_every_line_and_the_exit_code_come_through_a_pipe(tmp_path: Path) -> None:
    rules = many_findings(tmp_path, 3000)  # far more output than a pipe or a stream buffer holds
    done = entry("lint", "--format", "json", str(rules))
    in_process = CliRunner().invoke(main, ["lint", "--format", "json", str(rules)])
    assert done.returncode == in_process.exit_code == 1
    assert json.loads(done.stdout) == json.loads(in_process.stdout)
    assert len(json.loads(done.stdout)) == 3000


def test_the_exit_codes_are_the_commands() -> None:
    assert entry("--version").returncode == 0
    usage = entry("lint", "--check", "no/such-check", ".")
    assert usage.returncode == 2 and "unknown check(s): no/such-check" in usage.stderr


def test_exit_handlers_run_and_a_running_thread_is_waited_for() -> None:
    handler = entry("--version", before="import atexit\natexit.register(print, 'exit handler ran')")
    assert handler.returncode == 0
    assert handler.stdout.splitlines()[-1] == "exit handler ran" and "toolkit" in handler.stdout
    thread = entry(
        "--version",
        before="import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), print('thread done', flush=True))).start()",
    )
    assert thread.returncode == 0 and "thread done" in thread.stdout


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    rules = many_findings(tmp_path, 3000)
    command = f"{shlex.quote(sys.executable)} -m toolkit lint {shlex.quote(str(rules))} | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith(f"{rules}:") and done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_a_profiler_watching_the_command_line_still_reports() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-m", "toolkit", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "toolkit" in done.stdout and "function calls" in done.stdout
