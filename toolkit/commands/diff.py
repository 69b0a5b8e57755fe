"""``toolkit diff``: what a change to build/ means, between two git revisions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click

from toolkit.bundle import Bundle, RuleGroupEntry
from toolkit.commands.common import CommandError, project_root, write_output
from toolkit.diff.builds import compare_builds, dashboard_data
from toolkit.diff.compare import compare
from toolkit.diff.model import Change
from toolkit.diff.report import as_json, markdown, text
from toolkit.output.svg import render_svg
from toolkit.paths import inside
from toolkit.sources.git import WORKING_TREE, default_base, list_build, load_build

PANEL = re.compile(r'^panel "([^"]+)"')


Boards = Callable[[str], tuple[dict | None, dict | None]]


def write_previews(folder: Path, changes: list[Change], boards: Boards) -> dict[str, tuple[str, str]]:
    """Before and after SVGs of every changed dashboard, changed panels highlighted; links by section.
    ``boards`` gives a dashboard's data (by uid) before and after, None where a side has none."""
    folder.mkdir(parents=True, exist_ok=True)
    links = {}
    for section in dict.fromkeys(c.section for c in changes if c.section.startswith("dashboard ")):
        uid = section.removeprefix("dashboard ")
        marked = {m.group(1) for c in changes if c.section == section for m in [PANEL.match(c.text)] if m}
        paths = []
        for side, board in zip(("before", "after"), boards(uid), strict=True):
            path = inside(folder, f"{uid}.{side}.svg")
            if board is not None:
                path.write_text(render_svg(board, marked))
            paths.append(path.as_posix())
        links[section] = (paths[0], paths[1])
    return links


def _inherited_intervals_dropped(
    served: tuple[RuleGroupEntry, ...], built: tuple[RuleGroupEntry, ...]
) -> tuple[RuleGroupEntry, ...]:
    """Prometheus reports every group's interval, its global one where the file sets none: that is no
    drift for a group built without one."""
    own = {group.name for group in built if "interval" in group.options}
    return tuple(
        group
        if group.name in own
        else replace(group, options={k: v for k, v in group.options.items() if k != "interval"})
        for group in served
    )


def live_sides(root: Path, context_name: str | None, built: Bundle) -> tuple[Bundle, Bundle, list[str]]:
    """The servers' bundle and ``built`` cut to what the context covers (a server it does not name is
    skipped) and shown as the servers show it, with a note for each field that cannot be compared live."""
    from toolkit.clients.contexts import resolve_context
    from toolkit.settings import load_settings
    from toolkit.sources.live import as_prometheus_serves, load_live, trim_to

    context = resolve_context(load_settings(root), context_name)
    served = load_live(context, uids=[b.uid for b in built.dashboards])
    if served.alertmanager and built.alertmanager:
        served = replace(served, alertmanager=trim_to(served.alertmanager, built.alertmanager))
    # build/ does not record folders, and servers hold no promtool tests, metric catalogue or templates
    served = replace(
        served,
        dashboards=tuple(replace(d, folder="") for d in served.dashboards),
        rule_groups=_inherited_intervals_dropped(served.rule_groups, built.rule_groups),
    )
    groups, notes = as_prometheus_serves(built.rule_groups) if context.prometheus_url else ((), [])
    covered = replace(
        built,
        dashboards=built.dashboards if context.grafana_url else (),
        rule_groups=groups,
        alertmanager=built.alertmanager if context.alertmanager_url else None,
        rule_tests=(),
        metrics=(),
        alertmanager_files={},
    )
    return served, covered, notes


@click.command("diff")
@click.option("--base", metavar="REV", help="Old side: a git revision (default: the merge-base with main).")
@click.option(
    "--head",
    metavar="REV",
    default=WORKING_TREE,
    show_default=True,
    help="New side: a git revision, or WORKTREE for the files on disk.",
)
@click.option(
    "--live",
    is_flag=True,
    help="Old side: what Grafana, Prometheus and Alertmanager serve now (see --context).",
)
@click.option(
    "--context",
    "context_name",
    metavar="NAME",
    help="With --live: the context in toolkit.yaml (env GRAFANA_URL etc. override it).",
)
@click.option(
    "--format", "output", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
)
@click.option(
    "--previews",
    type=click.Path(file_okay=False, path_type=Path),
    help="With markdown: write before/after layout SVGs of changed dashboards here and link them.",
)
@click.pass_context
def command(
    ctx: click.Context,
    base: str | None,
    head: str,
    live: bool,
    context_name: str | None,
    output: str,
    previews: Path | None,
) -> None:
    """Show what changed in build/, by meaning: dashboards, panels, queries, alerts, routes.

    Exit 0 when there is no difference, 1 when there is one, 2 on error.

    \b
    Example:
      toolkit diff                         # merge-base with main -> working tree
      toolkit diff --base HEAD~1 --head HEAD
      toolkit diff --format markdown --previews previews/ > comment.md
      toolkit diff --live --context prod  # what differs from the servers
    """
    root = project_root(ctx)
    if live and base:
        raise click.UsageError("--live compares with the servers: drop --base")
    if live:
        loaded = load_build(root, head)
        if loaded.errors:
            raise CommandError("; ".join(str(p) for p in loaded.errors))
        old_bundle, new_bundle, notes = live_sides(root, context_name, loaded.bundle)
        for note in notes:
            click.echo(f"note: {note}", err=True)
        before = {b.uid: b.data for b in old_bundle.dashboards}
        after = {b.uid: b.data for b in new_bundle.dashboards}
        _report(
            ctx, compare(old_bundle, new_bundle), output, previews, lambda u: (before.get(u), after.get(u))
        )
        return
    old_tree, new_tree = list_build(root, base or default_base(root)), list_build(root, head)
    found = compare_builds(old_tree, new_tree)
    if found.errors:
        raise CommandError("; ".join(str(p) for p in found.errors))

    def boards(uid: str) -> tuple[dict | None, dict | None]:
        names = found.dashboard_files.get(uid, (None, None))
        return dashboard_data(old_tree, names[0]), dashboard_data(new_tree, names[1])

    _report(ctx, found.changes, output, previews, boards)


def _report(
    ctx: click.Context, changes: list[Change], output: str, previews: Path | None, boards: Boards
) -> None:
    """Print ``changes`` in the chosen format (with previews) and exit 1 when there are any."""
    if output == "json":
        click.echo(as_json(changes))
    elif output == "markdown":
        links = None
        if previews:
            links = write_output("--previews", previews, lambda f: write_previews(f, changes, boards))
        click.echo(markdown(changes, links), nl=False)
    else:
        click.echo(text(changes, click.style), color=None)
    ctx.exit(1 if changes else 0)
