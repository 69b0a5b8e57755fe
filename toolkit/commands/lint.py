"""``toolkit lint``: check the project's definitions, or foreign rule files and dashboards."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import yaml

from toolkit.commands.common import library_errors, project_root
from toolkit.commands.progress import Progress, quiet_option
from toolkit.lint.engine import file_options, lint_bundle, settings_options, source_line
from toolkit.lint.findings import Finding, Level
from toolkit.lint.registry import CHECKS
from toolkit.lint.report import FORMATS, summary

LEVELS = [str(level) for level in Level]
ECHO_LINES = 500  # lines of the report written at once


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Lint makes many small objects and no cycles worth collecting: the cycle collector is off while it
    runs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _enclosing_project_options(ctx: click.Context) -> dict:
    """The lint options of the project the command runs in (``--project`` or the folders above), for
    foreign files in it; none outside a project or when its toolkit.yaml has no lint section (then the
    settings are not validated, which costs a schema library's import)."""
    from toolkit.errors import ProjectError
    from toolkit.settings import SETTINGS_FILE, find_root, load_settings
    from toolkit.sources.yaml_lines import load_with_lines

    given = (ctx.find_root().obj or {}).get("project_dir")
    try:
        root = find_root(given or Path.cwd())
    except ProjectError:
        return {}
    try:
        text = (root / SETTINGS_FILE).read_text(encoding="utf-8")
        if "lint" not in text and "\\" not in text:  # no lint key, even escaped: nothing to parse
            return {}
        data, _ = load_with_lines(text)
        has_lint = isinstance(data, dict) and bool(data.get("lint"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        has_lint = True  # load_settings says what is wrong with the file
    return file_options(load_settings(root)) if has_lint else {}


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(LEVELS),
    default="bug",
    show_default=True,
    help="Exit 1 when a finding is at this level or above.",
)
@click.option("--check", "only", multiple=True, metavar="NAME", help="Run only this check (repeatable).")
@click.option(
    "--prometheus", metavar="URL", help="Also check metrics, labels and types against this Prometheus."
)
@click.option(
    "--conventions",
    is_flag=True,
    help="Also apply the house conventions (naming, team label, annotations, units) to foreign files.",
)
@click.option(
    "--show-suppressed",
    is_flag=True,
    help="Also report findings that lint_ignore suppresses, with the reason.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes, each reading and checking a share of the files (default: one per 96 KB of files, "
    "or per 300 rules and dashboards of the project, at most one per CPU not busy right now; 1: none).",
)
@click.option("--list-checks", is_flag=True, help="List every check with its level and exit.")
@quiet_option
@click.pass_context
def command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: str,
    fail_on: str,
    only: tuple[str, ...],
    prometheus: str | None,
    show_suppressed: bool,
    conventions: bool,
    jobs: int | None,
    list_checks: bool,
) -> None:
    """Lint PromQL, rules and dashboards without a server.

    With no PATHS, lint the project's own definitions (dashboards after
    normalization, rules, settings) with the house conventions. With PATHS,
    lint foreign Prometheus rule files and Grafana dashboard JSON (files or
    directories) for correctness only, unless --conventions; other YAML and
    JSON files (compose files, workflows) are skipped.

    \b
    Example:
      toolkit lint
      toolkit lint rules/ dashboards/overview.json --format github
      toolkit lint --fail-on warning
      toolkit lint --prometheus http://127.0.0.1:9090   # also check names, labels and types live
    """
    if list_checks:
        for registered in sorted(CHECKS.values(), key=lambda c: c.name):
            click.echo(f"{registered.name:22} {registered.level!s:8} {registered.doc}")
        return
    unknown = sorted(set(only) - set(CHECKS))
    if unknown:
        raise click.UsageError(f"unknown check(s): {', '.join(unknown)}; see toolkit lint --list-checks")
    root: Path | None = None
    with library_errors(), _without_cycle_collection(), Progress(ctx, "linting") as progress:
        if paths:
            from toolkit.lint.stream import lint_paths

            options = _enclosing_project_options(ctx)
            findings: Iterable[Finding] = lint_paths(
                paths,
                only=only,
                prometheus=prometheus,
                jobs=jobs,
                **{**options, "conventions": conventions or options.get("conventions", False)},
            )
        else:
            from toolkit.sources.code import load_project

            root = project_root(ctx)
            project = load_project(root)
            findings = sorted(
                lint_bundle(
                    project.bundle,
                    is_project=True,
                    only=only,
                    prometheus=prometheus,
                    jobs=jobs,
                    **settings_options(project.settings, root),
                )
            )
            for warning in project.warnings:
                click.echo(f"warning: {warning}", err=True)
        counts, failed = _report(findings, output, Level.parse(fail_on), show_suppressed, root, progress)
    if output == "text":
        click.echo(summary(counts), err=bool(counts))
    if failed:
        ctx.exit(1)


def _report(
    findings: Iterable[Finding],
    output: str,
    fail_on: Level,
    show_suppressed: bool,
    root: Path | None,
    progress: Progress,
) -> tuple[Counter[Level], bool]:
    """Print ``findings`` (sorted) in ``output``'s format line by line as they come; the count of those shown
    per level, and True when one that is not suppressed is at ``fail_on`` or above."""
    counts: Counter[Level] = Counter()
    failed = False

    def shown() -> Iterator[Finding]:
        nonlocal failed
        for finding in findings:
            failed = failed or (finding.level >= fail_on and not finding.suppressed)
            if show_suppressed or not finding.suppressed:
                counts[finding.level] += 1
                yield finding

    lines: list[str] = []
    for line in FORMATS[output](shown(), lambda finding: source_line(finding.location, root)):
        lines.append(line)
        if len(lines) == ECHO_LINES:
            progress.echo("\n".join(lines))
            lines.clear()
    if lines:
        progress.echo("\n".join(lines))
    return counts, failed
