"""``toolkit sync``: publish the project to Grafana, Prometheus and Alertmanager."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from toolkit.commands.common import library_errors, project_root
from toolkit.contexts import redact
from toolkit.sync.grafana import CONFLICT, summarize
from toolkit.sync.http import Transport
from toolkit.sync.run import TARGETS, SyncOptions, SyncReport, run_sync


def _revision(root: Path) -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unversioned"


def _summary(report: SyncReport, dry_run: bool) -> list[str]:
    rows = [f"{'target':<14}{'result'}"]
    if report.plan is not None:
        counts = summarize(report.plan.actions)
        planned = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing"
        failed = [o for o in report.outcomes if not o.ok]
        applied = "" if dry_run else f"; {len(report.outcomes) - len(failed)} written, {len(failed)} failed"
        rows.append(f"{'grafana':<14}{planned}{applied}")
    for target, result in report.files.items():
        verb = "to write" if dry_run else "written"
        rows.append(
            f"{target:<14}{len(result.written)} {verb}, {len(result.removed)} removed, {len(result.unchanged)} unchanged"
        )
    rows += [f"{target:<14}skipped: {why}" for target, why in report.skipped.items()]
    rows += [f"{target:<14}FAILED" for target in report.failures]
    return rows


@click.command("sync")
@click.option(
    "--context",
    "context_name",
    metavar="NAME",
    help="Target context from toolkit.yaml (env GRAFANA_URL etc. override it).",
)
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Delete what toolkit published before and the code no longer has (only ours).",
)
@click.option(
    "--force", is_flag=True, help="Overwrite dashboards edited outside the toolkit, or not managed by it."
)
@click.option("--only", type=click.Choice(TARGETS), multiple=True, help="Sync only this target (repeatable).")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=8, show_default=True, help="Concurrent Grafana requests."
)
@click.option(
    "--ca-cert",
    type=click.Path(exists=True, dir_okay=False),
    help="CA bundle to verify the servers' TLS certificates.",
)
@click.option("--insecure", is_flag=True, help="Do not verify TLS certificates (prints a warning).")
@click.pass_context
def command(
    ctx: click.Context,
    context_name: str | None,
    dry_run: bool,
    prune: bool,
    force: bool,
    only: tuple[str, ...],
    workers: int,
    ca_cert: str | None,
    insecure: bool,
) -> None:
    """Publish dashboards, rule files and the Alertmanager config.

    Dashboards are compared semantically; unchanged ones are not written. A
    dashboard edited outside the toolkit since its last sync is refused (see
    --force). Rule files and the Alertmanager config are checked with promtool
    and amtool, written atomically, reloaded, verified, and restored on failure.
    Exit 0 when everything is applied, 1 on any failure, 2 for usage errors.

    \b
    Example:
      toolkit sync --context local --dry-run
      GRAFANA_TOKEN=... toolkit sync --context prod --prune
      toolkit sync --only grafana --force
    """
    from toolkit.contexts import resolve_context
    from toolkit.project import load_project

    root = project_root(ctx)
    with library_errors():
        project = load_project(root)
        context = resolve_context(project.settings, context_name)
    options = SyncOptions(
        dry_run=dry_run,
        prune=prune,
        force=force,
        only=only,
        revision=_revision(root),
        transport=Transport(ca_cert=ca_cert, insecure=insecure, workers=workers),
    )
    bar = None
    if sys.stderr.isatty() and not dry_run and len(project.bundle.dashboards) > 10:
        bar = click.progressbar(length=len(project.bundle.dashboards), label="dashboards", file=sys.stderr)
    with library_errors():
        report = run_sync(
            project.bundle, context, options, progress=(lambda _: bar.update(1)) if bar else None
        )
    if bar:
        bar.render_finish()
    show = lambda text: click.echo(redact(text, context.secrets))  # noqa: E731
    if report.plan is not None:
        for action in report.plan.actions:
            if action.action != "unchanged":
                show(f"{action.action:<10}{action.uid}  {action.reason}".rstrip())
                for line in action.detail if action.action == CONFLICT or dry_run else ():
                    show(f"            {line}")
    for outcome in report.outcomes:
        if not outcome.ok:
            show(f"failed    {outcome.action.uid}: {outcome.message}")
    for line in _summary(report, dry_run):
        show(line)
    for target, message in report.failures.items():
        show(f"error: {target}: {message}")
    if not report.ok:
        not_applied = [o.action.uid for o in report.outcomes if not o.ok]
        if not_applied:
            show(f"not applied: {', '.join(not_applied)}")
        ctx.exit(1)
