"""``toolkit diff``: what a change to build/ means, between two git revisions."""

from __future__ import annotations

import re
from pathlib import Path

import click

from toolkit.commands.common import library_errors, project_root
from toolkit.diff.compare import compare
from toolkit.diff.model import Change
from toolkit.diff.report import as_json, markdown, text
from toolkit.layout_svg import render_svg
from toolkit.sources.git import WORKING_TREE, default_base, load_build

PANEL = re.compile(r'^panel "([^"]+)"')


def write_previews(folder: Path, changes: list[Change], old, new) -> dict[str, tuple[str, str]]:
    """Before and after SVGs of every changed dashboard, changed panels highlighted; links by section."""
    folder.mkdir(parents=True, exist_ok=True)
    before = {b.uid: b.data for b in old.dashboards}
    after = {b.uid: b.data for b in new.dashboards}
    links = {}
    for section in dict.fromkeys(c.section for c in changes if c.section.startswith("dashboard ")):
        uid = section.removeprefix("dashboard ")
        marked = {m.group(1) for c in changes if c.section == section for m in [PANEL.match(c.text)] if m}
        paths = []
        for side, boards in (("before", before), ("after", after)):
            path = folder / f"{uid}.{side}.svg"
            if uid in boards:
                path.write_text(render_svg(boards[uid], marked))
            paths.append(path.as_posix())
        links[section] = (paths[0], paths[1])
    return links


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
    "--format", "output", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
)
@click.option(
    "--previews",
    type=click.Path(file_okay=False, path_type=Path),
    help="With markdown: write before/after layout SVGs of changed dashboards here and link them.",
)
@click.pass_context
def command(ctx: click.Context, base: str | None, head: str, output: str, previews: Path | None) -> None:
    """Show what changed in build/, by meaning: dashboards, panels, queries, alerts, routes.

    Exit 0 when there is no difference, 1 when there is one, 2 on error.

    \b
    Example:
      toolkit diff                         # merge-base with main -> working tree
      toolkit diff --base HEAD~1 --head HEAD
      toolkit diff --format markdown --previews previews/ > comment.md
    """
    root = project_root(ctx)
    try:
        with library_errors():
            old = load_build(root, base or default_base(root))
            new = load_build(root, head)
    except click.ClickException as error:
        raise click.UsageError(error.message) from None
    problems = old.errors + new.errors
    if problems:
        raise click.UsageError("; ".join(str(p) for p in problems))
    changes = compare(old.bundle, new.bundle)
    if output == "json":
        click.echo(as_json(changes))
    elif output == "markdown":
        links = write_previews(previews, changes, old.bundle, new.bundle) if previews else None
        click.echo(markdown(changes, links), nl=False)
    else:
        click.echo(text(changes, click.style), color=None)
    ctx.exit(1 if changes else 0)
