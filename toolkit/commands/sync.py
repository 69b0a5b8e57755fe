"""``toolkit sync``: publish the project to Grafana, Prometheus (or a ruler) and Alertmanager."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import click

from toolkit.bundle import DashboardEntry
from toolkit.clients.errors import redact
from toolkit.clients.transport import InsecureTransportWarning, Transport
from toolkit.commands.common import library_errors, project_root
from toolkit.commands.progress import Progress, quiet_option
from toolkit.sync.grafana import CONFLICT, CREATE, UNCHANGED
from toolkit.sync.run import TARGETS, SyncOptions, SyncReport, run_sync

WRITES_LABEL = "syncing: Grafana writes"  # the progress line once Grafana writes start


def _revision(root: Path) -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unversioned"


def _plan_lines(report: SyncReport) -> list[str]:
    lines = []
    if report.plan is not None:
        for action in report.plan.actions:
            if action.action == UNCHANGED:
                continue
            word = "refused" if action.action == CONFLICT else action.action
            lines.append(f"  {word:<9}{action.uid}  {action.reason}".rstrip())
            if action.action != CREATE:
                lines += [f"             {line}" for line in action.detail]
    for target, result in report.results.items():
        lines += [f"  {'write':<9}{target} {name}" for name in result.written]
        lines += [f"  {'remove':<9}{target} {name}" for name in result.removed]
    return lines


def _table(report: SyncReport) -> list[str]:
    dry = report.dry_run
    head = ("to write", "to remove") if dry else ("written", "removed")
    lines = [f"{'target':<14}" + "".join(f"{h:>11}" for h in (*head, "unchanged", "refused", "failed"))]
    counted = report.counts()
    for target, counts in counted.items():
        lines.append(f"{target:<14}" + "".join(f"{n:>11}" for n in counts))
    for target in TARGETS:
        if target in report.skipped:
            lines.append(f"{target:<14}skipped: {report.skipped[target]}")
        elif target in report.failures and target not in counted:
            lines.append(f"{target:<14}failed: see the error below")
    return lines


@click.command("sync")
@click.option(
    "--context",
    "context_name",
    metavar="NAME",
    help="Target context from toolkit.yaml (GRAFANA_URL etc. override it).",
)
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Also delete what toolkit published before and the code no longer has (only ours).",
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
@click.option("--insecure", is_flag=True, help="Do not verify TLS certificates (warns).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=60,
    show_default=True,
    help="Seconds each target may take in all: requests, retries, reload, verification and restore.",
)
@quiet_option
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
    timeout: float,
) -> None:
    """Publish dashboards, rule files and the Alertmanager config.

    Dashboards are compared by meaning with what Grafana serves; unchanged ones
    are not written. A dashboard edited outside the toolkit since its last sync
    is refused, with the difference, unless --force. Rule files and the
    Alertmanager config are checked with promtool and amtool, written
    atomically, reloaded, verified, and restored if that fails. Each target
    gets --timeout seconds in all; a server that stops answering fails its
    target, with the previous files restored. Exit 0 when
    everything is applied, 1 on any failure (listing what was and was not
    applied), 2 for errors (usage, project, context), 130 on Ctrl-C.

    \b
    Example:
      toolkit sync --context local --dry-run
      GRAFANA_TOKEN=... toolkit sync --context prod --prune
      toolkit sync --only grafana --force
    """
    from toolkit.clients.contexts import resolve_context
    from toolkit.output.build import StagedBuild, render_dashboard, render_files
    from toolkit.sources.code import load_project
    from toolkit.sync.grafana import WantedDashboard

    if ca_cert and insecure:
        raise click.UsageError("--ca-cert and --insecure contradict each other: give one")
    root = project_root(ctx)
    wanted: list[WantedDashboard] = []

    def take(board: DashboardEntry) -> None:
        build.add(*render_dashboard(board))
        wanted.append(WantedDashboard.of(board))

    # one dashboard at a time: compared with build/ and packed, its tree of dicts and its file dropped
    with library_errors(), StagedBuild(root, write=False) as build:
        project = load_project(root, each_dashboard=take)
        context = resolve_context(project.settings, context_name)
        built = dict(render_files(project.bundle))  # no dashboard among them: the rule and config files
        for path, data in built.items():
            build.add(path, data)
        stale = build.stale()
    wanted.sort(key=lambda board: board.uid)  # the bundle's order: the plan lists them by uid
    if stale:
        shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
        click.echo(
            f"warning: build/ differs from the code ({shown}): sync publishes what the code defines, not "
            "build/; edits made by hand under build/ are not published and the next toolkit build "
            "overwrites them: make them in dashboards/ or alerts/, then run toolkit build",
            err=True,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InsecureTransportWarning)
        transport = Transport(ca_cert=ca_cert, insecure=insecure, workers=workers)
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    folder_uid, folder_title = project.settings.folder
    options = SyncOptions(
        project=project.settings.platform,
        dry_run=dry_run,
        prune=prune,
        force=force,
        only=only,
        revision=_revision(root),
        transport=transport,
        folder_titles={folder_uid: folder_title},
        timeout=timeout,
    )
    with Progress(ctx, "syncing") as progress:
        report = run_sync(project.bundle, context, options, progress.counting(WRITES_LABEL), built, wanted)

    def show(text: str) -> None:
        click.echo(redact(text, context.secrets))

    plan = _plan_lines(report)
    if plan:
        show("plan (dry run, nothing changed):" if dry_run else "plan:")
        for line in plan:
            show(line)
    for line in _table(report):
        show(line)
    if report.ok:
        return
    for target, message in report.failures.items():
        show(f"error: {target}: {message}")
    if dry_run:
        ctx.exit(1)
    show("not applied:")
    for line in report.not_applied():
        show(f"  {line}")
    applied = report.applied()
    show("applied:" if applied else "applied: nothing")
    for line in applied:
        show(f"  {line}")
    ctx.exit(1)
