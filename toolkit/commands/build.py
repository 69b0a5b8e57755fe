"""``toolkit build``: regenerate build/ from the project's Python, or check that it is current."""

from __future__ import annotations

import click

from toolkit.commands.common import project_root
from toolkit.commands.progress import Progress, quiet_option
from toolkit.output.build import StagedBuild, collector_paused, render_dashboard, render_files
from toolkit.sources.code import load_project


@click.command("build")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 and name the stale files if build/ is out of date."
)
@quiet_option
@click.pass_context
def command(ctx: click.Context, check: bool) -> None:
    """Build build/ from dashboards/, alerts/ and toolkit.yaml.

    Writes build/dashboards/<uid>.json, build/prometheus/<group>.yml and
    build/alertmanager/alertmanager.yml; removes files no longer produced.
    All or nothing: an interrupted or failed build leaves build/ as it was.
    Modules in dashboards/ or alerts/ that are not registered are warned about.

    \b
    Example:
      toolkit build
      toolkit build --check   # in CI: fails when someone forgot `make build`
    """
    root = project_root(ctx)
    with Progress(ctx, "building"), collector_paused(), StagedBuild(root, write=not check) as build:
        project = load_project(root, each_dashboard=lambda board: build.add(*render_dashboard(board)))
        for path, data in render_files(project.bundle):
            build.add(path, data)
        result = None if check else build.commit()
    for warning in project.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result is None:
        stale = build.stale()
        if stale:
            listing = "\n".join(f"  {path}" for path in stale)
            raise click.ClickException(
                f"build/ is stale; run `make build` and commit. Stale files:\n{listing}"
            )
        click.echo(f"build/ is up to date ({len(build.given)} files)")
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    for path in result.removed:
        click.echo(f"removed {path}")
    click.echo(
        f"{len(result.written)} written, {len(result.removed)} removed, {len(result.unchanged)} unchanged"
    )
