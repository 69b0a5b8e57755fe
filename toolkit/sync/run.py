"""One sync: plan and apply per target, and a report of what was and was not applied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.build import render
from toolkit.bundle import Bundle
from toolkit.contexts import Context
from toolkit.sync.files import FilesResult, sync_alertmanager, sync_prometheus_rules
from toolkit.sync.grafana import CONFLICT, GrafanaPlan, Outcome, apply_grafana, connect, plan_grafana
from toolkit.sync.http import SyncError, Transport, session
from toolkit.sync.ruler import RulerResult, sync_ruler

TARGETS = ("grafana", "prometheus", "ruler", "alertmanager")


@dataclass(frozen=True)
class SyncOptions:
    """What to do: ``only`` limits the targets; ``dry_run`` plans without writing."""

    dry_run: bool = False
    prune: bool = False
    force: bool = False
    only: tuple[str, ...] = ()
    revision: str = "unknown"
    transport: Transport = field(default_factory=Transport)


@dataclass
class SyncReport:
    """Per target: the Grafana plan and outcomes, file results, and failures (target -> message)."""

    plan: GrafanaPlan | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    files: dict[str, FilesResult | RulerResult] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures and all(o.ok for o in self.outcomes)


def _grafana(bundle: Bundle, context: Context, options: SyncOptions, report: SyncReport, progress) -> None:
    api = connect(context, options.transport)
    report.plan = plan_grafana(
        api, bundle, prune=options.prune, force=options.force, workers=options.transport.workers
    )
    conflicts = [a for a in report.plan.actions if a.action == CONFLICT]
    if conflicts:
        report.failures["grafana"] = f"{len(conflicts)} dashboard(s) refused: " + "; ".join(
            f"{a.uid}: {a.reason}" for a in conflicts
        )
    if not options.dry_run:
        report.outcomes = apply_grafana(
            api,
            report.plan,
            revision=options.revision,
            context=context,
            workers=options.transport.workers,
            progress=progress,
        )


def _prometheus(bundle: Bundle, context: Context, options: SyncOptions, report: SyncReport) -> None:
    if not context.prometheus_rules_dir:
        raise SyncError(
            f"context {context.name} has no prometheus.rules_dir (or PROMETHEUS_RULES_DIR): where Prometheus loads rule files"
        )
    files = {
        path.removeprefix("prometheus/"): data
        for path, data in render(bundle).items()
        if path.startswith("prometheus/") and "/tests/" not in path
    }
    groups = {group.name: len(group.rules) for group in bundle.rule_groups}
    if options.dry_run:
        folder = Path(context.prometheus_rules_dir)
        changed = tuple(
            n for n, d in sorted(files.items()) if not (folder / n).exists() or (folder / n).read_bytes() != d
        )
        report.files["prometheus"] = FilesResult(
            changed, (), tuple(n for n in sorted(files) if n not in changed)
        )
        return
    report.files["prometheus"] = sync_prometheus_rules(
        session(options.transport),
        context,
        Path(context.prometheus_rules_dir),
        files,
        groups,
        prune=options.prune,
    )


def _alertmanager(bundle: Bundle, context: Context, options: SyncOptions, report: SyncReport) -> None:
    if not context.alertmanager_config_file:
        raise SyncError(
            f"context {context.name} has no alertmanager.config_file (or ALERTMANAGER_CONFIG_FILE)"
        )
    content = render(bundle)["alertmanager/alertmanager.yml"]
    path = Path(context.alertmanager_config_file)
    if options.dry_run:
        same = path.exists() and path.read_bytes() == content
        report.files["alertmanager"] = FilesResult(
            () if same else (path.name,), (), (path.name,) if same else ()
        )
        return
    report.files["alertmanager"] = sync_alertmanager(session(options.transport), context, path, content)


def run_sync(
    bundle: Bundle, context: Context, options: SyncOptions, progress: Callable[[Outcome], None] | None = None
) -> SyncReport:
    """Sync every target the context names (or ``options.only``); a failing target does not stop the others."""
    report = SyncReport()
    named = {
        "grafana": context.grafana_url,
        "prometheus": context.prometheus_url,
        "ruler": context.ruler_url,
        "alertmanager": context.alertmanager_url,
    }
    for target in options.only or TARGETS:
        if not named[target]:
            report.skipped[target] = "not in the context"
            continue
        if target == "alertmanager" and bundle.alertmanager is None:
            report.skipped[target] = "the project has no Alertmanager config"
            continue
        try:
            if target == "grafana":
                _grafana(bundle, context, options, report, progress)
            elif target == "prometheus":
                _prometheus(bundle, context, options, report)
            elif target == "ruler":
                report.files["ruler"] = sync_ruler(
                    session(options.transport), context, bundle, prune=options.prune, dry_run=options.dry_run
                )
            else:
                _alertmanager(bundle, context, options, report)
        except SyncError as error:
            report.failures[target] = str(error)
    return report
