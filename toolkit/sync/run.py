"""One sync: plan and apply per target, and a report of what was and was not applied.

A failing target does not stop the others; each target is left consistent on its own (Grafana
dashboard by dashboard, rule files and the Alertmanager config restored as a whole), so running the sync
again converges.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.bundle import Bundle
from toolkit.clients import connect
from toolkit.clients.contexts import Context
from toolkit.clients.deadline import Deadline
from toolkit.clients.errors import ClientError
from toolkit.clients.transport import Transport
from toolkit.output.build import render
from toolkit.sync.files import sync_alertmanager, sync_prometheus_rules
from toolkit.sync.grafana import (
    DELETE,
    UNCHANGED,
    WRITES,
    GrafanaPlan,
    Outcome,
    WantedDashboard,
    apply_grafana,
    conflicts,
    plan_grafana,
)
from toolkit.sync.results import SyncError, TargetResult
from toolkit.sync.ruler import sync_ruler

TARGETS = ("grafana", "prometheus", "ruler", "alertmanager")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SyncOptions:
    """What to do: ``only`` limits the targets; ``dry_run`` plans without writing; ``project`` and
    ``revision`` go into Grafana's version messages (a project owns, and prunes, only what it wrote);
    ``folder_titles`` names the folders a sync creates; ``timeout`` bounds each target's whole work
    (requests, retries, reload, verification and restore), in seconds."""

    project: str = "toolkit"
    dry_run: bool = False
    prune: bool = False
    force: bool = False
    only: tuple[str, ...] = ()
    revision: str = "unknown"
    transport: Transport = field(default_factory=Transport)
    folder_titles: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 60.0


@dataclass
class SyncReport:
    """Per target: the Grafana plan and outcomes, the other targets' results, failures and skips
    (target -> message)."""

    dry_run: bool = False
    plan: GrafanaPlan | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    results: dict[str, TargetResult] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing failed or was refused."""
        return not self.failures and all(o.ok for o in self.outcomes)

    def not_applied(self) -> list[str]:
        """One line per change that was wanted and did not happen, with the reason (none in a dry run)."""
        lines: list[str] = []
        if self.dry_run:
            return lines
        if self.plan is not None:
            done = {o.action.uid: o for o in self.outcomes}
            for action in self.plan.actions:
                outcome = done.get(action.uid)
                if action.action in WRITES and not (outcome and outcome.ok):
                    why = outcome.message if outcome else self.failures.get("grafana", "not attempted")
                    lines.append(f"grafana: {action.action} {action.uid}: {why}")
            lines += [f"grafana: {a.uid}: refused" for a in conflicts(self.plan.actions)]
        lines += [
            f"{target}: its changes (see the error)"
            for target in self.failures
            if target != "grafana" or self.plan is None
        ]
        return lines

    def counts(self) -> dict[str, tuple[int, int, int, int, int]]:
        """Per target that ran: written, removed, unchanged, refused and failed (planned, in a dry run)."""
        rows = {}
        if self.plan is not None:
            planned = self.plan.counts()
            if self.dry_run:
                done = [a.action for a in self.plan.actions if a.action in WRITES]
            else:
                done = [o.action.action for o in self.outcomes if o.ok]
            failed = 0 if self.dry_run else sum(planned.get(kind, 0) for kind in WRITES) - len(done)
            written, removed = len(done) - done.count(DELETE), done.count(DELETE)
            refused = len(conflicts(self.plan.actions))
            rows["grafana"] = (written, removed, planned.get(UNCHANGED, 0), refused, failed)
        for target, result in self.results.items():
            rows[target] = (len(result.written), len(result.removed), len(result.unchanged), 0, 0)
        return rows

    def applied(self) -> list[str]:
        """One line per change made."""
        lines = [f"grafana: {o.action.action} {o.action.uid}" for o in self.outcomes if o.ok]
        for target, result in self.results.items():
            lines += [f"{target}: wrote {name}" for name in result.written]
            lines += [f"{target}: removed {name}" for name in result.removed]
        return [] if self.dry_run else lines


def _grafana(
    dashboards: Iterable[WantedDashboard],
    context: Context,
    options: SyncOptions,
    report: SyncReport,
    progress,
) -> None:
    grafana = connect.grafana(context, options.transport, Deadline(options.timeout))
    workers = options.transport.workers
    report.plan = plan_grafana(
        grafana,
        dashboards,
        project=options.project,
        prune=options.prune,
        force=options.force,
        workers=workers,
    )
    refused = conflicts(report.plan.actions)
    if refused:
        report.failures["grafana"] = f"{len(refused)} dashboard(s) refused: " + ", ".join(
            a.uid for a in refused
        )
    if options.dry_run:
        return
    total = sum(1 for a in report.plan.actions if a.action in WRITES)

    def advance(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if progress:
            progress(len(report.outcomes), total)

    apply_grafana(
        grafana,
        report.plan,
        project=options.project,
        revision=options.revision,
        folder_titles=options.folder_titles,
        workers=workers,
        progress=advance,
    )


def _prometheus(
    bundle: Bundle, context: Context, options: SyncOptions, built: Mapping[str, bytes]
) -> TargetResult:
    if not context.prometheus_rules_dir:
        raise SyncError(
            f"context {context.name} has no prometheus.rules_dir (or PROMETHEUS_RULES_DIR): the folder "
            "Prometheus loads rule files from (a Mimir, Cortex or Loki ruler is the ruler target)"
        )
    files = {
        path.removeprefix("prometheus/"): data
        for path, data in built.items()
        if path.startswith("prometheus/") and "/tests/" not in path
    }
    groups = {group.name: [rule.name for rule in group.rules] for group in bundle.rule_groups}
    return sync_prometheus_rules(
        connect.prometheus(context, options.transport, Deadline(options.timeout)),
        Path(context.prometheus_rules_dir),
        files,
        groups,
        prune=options.prune,
        dry_run=options.dry_run,
    )


def _alertmanager(context: Context, options: SyncOptions, built: Mapping[str, bytes]) -> TargetResult:
    if not context.alertmanager_config_file:
        raise SyncError(
            f"context {context.name} has no alertmanager.config_file (or ALERTMANAGER_CONFIG_FILE): "
            "the file Alertmanager loads its config from"
        )
    return sync_alertmanager(
        connect.alertmanager(context, options.transport, Deadline(options.timeout)),
        Path(context.alertmanager_config_file),
        built["alertmanager/alertmanager.yml"],
        dry_run=options.dry_run,
        templates={
            p.removeprefix("alertmanager/"): d
            for p, d in built.items()
            if p.startswith("alertmanager/templates/")
        },
    )


def _skip_reason(target: str, bundle: Bundle, context: Context, options: SyncOptions) -> str:
    named = {
        "grafana": context.grafana_url,
        "prometheus": context.prometheus_url,
        "ruler": context.ruler_url,
        "alertmanager": context.alertmanager_url,
    }
    if target == "alertmanager" and bundle.alertmanager is None:
        return "the project has no Alertmanager config"
    return "" if named[target] or target in options.only else f"context {context.name} names none"


def run_sync(
    bundle: Bundle,
    context: Context,
    options: SyncOptions,
    progress: Progress | None = None,
    built: Mapping[str, bytes] | None = None,
    dashboards: Iterable[WantedDashboard] | None = None,
) -> SyncReport:
    """Sync every target the context names (or ``options.only``); ``progress(done, total)`` is called as
    Grafana writes finish. ``built`` is the bundle's build output (:func:`render`) when the caller has it
    already (the files of ``prometheus/`` and ``alertmanager/`` are all it needs); otherwise it is
    rendered once, if a file target needs it. ``dashboards`` are the dashboards to publish, packed
    (:class:`WantedDashboard`), when the caller loaded them one at a time rather than into the bundle;
    by default, the bundle's."""
    report = SyncReport(dry_run=options.dry_run)
    build_files = (lambda: built) if built is not None else functools.cache(lambda: render(bundle))
    for target in options.only or TARGETS:
        why = _skip_reason(target, bundle, context, options)
        if why:
            report.skipped[target] = why
            continue
        try:
            if target == "grafana":
                wanted = (
                    dashboards
                    if dashboards is not None
                    else (WantedDashboard.of(entry) for entry in bundle.dashboards)
                )
                _grafana(wanted, context, options, report, progress)
            elif target == "prometheus":
                report.results[target] = _prometheus(bundle, context, options, build_files())
            elif target == "ruler":
                ruler = connect.ruler(context, options.transport, Deadline(options.timeout))
                report.results[target] = sync_ruler(
                    ruler, bundle, prune=options.prune, dry_run=options.dry_run
                )
            else:
                report.results[target] = _alertmanager(context, options, build_files())
        except (SyncError, ClientError) as error:
            earlier = report.failures.get(target)
            report.failures[target] = f"{earlier}; {error}" if earlier else str(error)
    return report
