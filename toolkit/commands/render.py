"""``toolkit render``: draw a dashboard's grid layout as SVG."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.commands.common import project_root, write_output
from toolkit.output.svg import render_svg
from toolkit.paths import inside
from toolkit.sources.git import WORKING_TREE, load_build


@click.command("render")
@click.argument("uid", required=False)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the SVG here (default: stdout)."
)
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Render every dashboard into this folder as <uid>.svg.",
)
@click.pass_context
def command(ctx: click.Context, uid: str | None, out: Path | None, all_dir: Path | None) -> None:
    """Draw the layout of a built dashboard: panels at their grid positions, rows as bands.

    \b
    Example:
      toolkit render api --out api.svg
      toolkit render --all previews/
    """
    if bool(uid) == bool(all_dir):
        raise click.UsageError("give a dashboard uid, or --all DIR")
    boards = {b.uid: b.data for b in load_build(project_root(ctx), WORKING_TREE).bundle.dashboards}
    if all_dir:

        def write_all(folder: Path) -> None:
            folder.mkdir(parents=True, exist_ok=True)
            for name, board in sorted(boards.items()):
                inside(folder, f"{name}.svg").write_text(render_svg(board))

        write_output("--all", all_dir, write_all)
        click.echo(f"wrote {len(boards)} SVGs to {all_dir}")
        return
    if uid not in boards:
        raise click.UsageError(f"no dashboard {uid!r} in build/ (have: {', '.join(sorted(boards))})")
    svg = render_svg(boards[uid])
    if out:
        write_output("--out", out, lambda path: path.write_text(svg))
        click.echo(f"wrote {out}")
    else:
        click.echo(svg, nl=False)
