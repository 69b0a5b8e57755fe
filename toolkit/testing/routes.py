"""Run the routing policy's tests on a real Alertmanager: the same routing, grouping, inhibition and time
intervals as production, read back from Alertmanager's API and notifications, never re-implemented.

Each :class:`~toolkit.route_tests.RouteTest` gets its own Alertmanager process (so the alerts of one case
cannot inhibit another's), started from the configuration the build writes, changed only where routing
does not depend on it:

- every route's receiver becomes its own webhook, ``route-<n>`` (``n`` counts the routes depth first, as
  in the config), pointing at a loopback recorder, so nothing leaves the machine and each receiver name
  Alertmanager reports says exactly which route matched;
- ``group_wait`` and ``group_interval`` are shortened to fractions of a second so a run is quick;
- for a case with ``at``, each time period's ``location`` becomes a fixed-offset time zone whose wall clock
  reads, at the moment Alertmanager starts, what the period's own zone (UTC without one) reads at ``at``,
  so Alertmanager judges the intervals itself at that time (the few seconds a case runs are added to it).

The alert's receivers and inhibition come from ``GET /api/v2/alerts``, its groups from
``GET /api/v2/alerts/groups``; the notifications sent, from the webhook, after every group has been
flushed twice (Alertmanager's debug log), so an absent notification means muted, not late.
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from toolkit.bundle import Bundle
from toolkit.clients.alertmanager_process import (
    INSTALL_HINT,
    AlertmanagerFailedError,
    LocalAlertmanager,
    WebhookSink,
    find_alertmanager,
)
from toolkit.clients.errors import ClientError
from toolkit.clients.promtools import run_tool
from toolkit.errors import DefinitionError, ToolkitError
from toolkit.interrupts import sigterm_unwinds
from toolkit.locations import SourceLocation
from toolkit.output.junit import JUnitCase
from toolkit.route_tests import RouteTest, TemplateTest
from toolkit.testing.route_config import GROUP_WAIT, config_under_test, route_number, route_table

FLUSH_SECONDS = 15.0
# how long a refused request waits for a dying Alertmanager to report its exit
EXIT_SECONDS = 1.0
WORKERS = 4
NOTIFY_FAILED = ("Notify for alerts failed", "Notify attempt failed")  # Alertmanager's log messages
ZONE_DIR = "Toolkit"


@dataclass(frozen=True)
class RouteResult:
    """The outcome of one route or template test: ``problems`` are the failed expectations,
    ``details`` what Alertmanager did (the routes that matched, with their Python lines)."""

    name: str
    kind: str
    source: SourceLocation
    problems: tuple[str, ...]
    details: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.problems

    def summary(self) -> str:
        """One line: ok or FAIL, the kind and name, and where the test is defined when it failed."""
        if self.passed:
            return f"ok    {self.kind} {self.name}"
        return f"FAIL  {self.kind} {self.name} (test at {self.source})"

    def report(self) -> str:
        """The failed expectations, then what Alertmanager did, one per line."""
        return "\n".join((*self.problems, *self.details))

    def junit_case(self) -> JUnitCase:
        """This result as a JUnit test case."""
        failure = self.summary() if not self.passed else None
        return JUnitCase(f"{self.kind}s", self.name, self.source, failure, self.report())


@dataclass(frozen=True)
class RouteReport:
    """Every route and template test's result, in the order the project lists them."""

    results: tuple[RouteResult, ...]

    @property
    def failed(self) -> tuple[RouteResult, ...]:
        """The tests with a failed expectation."""
        return tuple(r for r in self.results if not r.passed)


def _tzif(offset_seconds: int) -> bytes:
    """A version-1 TZif file for one fixed UTC offset (RFC 8536): header, one local time type, its name."""
    name = b"TT\0"
    header = b"TZif" + b"\0" * 16 + struct.pack(">6l", 0, 0, 0, 0, 1, len(name))
    return header + struct.pack(">lBB", offset_seconds, 0, 0) + name


def _shifted_zones(
    config: dict[str, Any], at: datetime, now: datetime, folder: Path, where: SourceLocation
) -> dict[str | None, str]:
    """Zone files under ``folder`` (Alertmanager's ZONEINFO) whose clocks read, at ``now``, what each
    period's location reads at ``at``; the new location name for each original one (None is UTC)."""
    originals = {
        period.get("location")
        for interval in config.get("time_intervals") or []
        for period in interval.get("time_intervals") or []
    }
    names = {}
    (folder / ZONE_DIR).mkdir(parents=True, exist_ok=True)
    for number, location in enumerate(sorted(originals, key=str)):
        wall = at.astimezone(ZoneInfo(location or "UTC")).replace(tzinfo=None)
        # rounded up, so Alertmanager's clock never reads earlier than ``at`` (a case at an interval's end
        # must see it ended); it reads later by the seconds the case has run
        offset = math.ceil((wall - now.astimezone(UTC).replace(tzinfo=None)).total_seconds())
        if abs(offset) >= 2**31:
            raise DefinitionError(
                f"at={at.isoformat()} is too far from now (more than 68 years) to test: pick a nearer time",
                where,
            )
        names[location] = f"{ZONE_DIR}/At{number}"
        (folder / names[location]).write_bytes(_tzif(offset))
    return names


def _labels_text(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in labels.items()) + "}"


class _Case:
    """One route test on its own Alertmanager."""

    def __init__(
        self, test: RouteTest, number: int, bundle: Bundle, binary: str, folder: Path, sink: WebhookSink
    ):
        self.test, self.number, self.bundle = test, number, bundle
        self.binary, self.folder, self.sink = binary, folder, sink
        self.routes = route_table(bundle.alertmanager or {})

    def route_text(self, number: int) -> str:
        route = self.routes[number]
        where = self.bundle.route_sources[number] if number < len(self.bundle.route_sources) else None
        flags = " (continue)" if route.get("continue") else ""
        at = f" at {where}" if where else ""
        name = "the root route" if number == 0 else "route"
        return f"{name} to {route['receiver']}{at}{flags}"

    def run(self, started: Callable[[LocalAlertmanager], None]) -> RouteResult:
        test = self.test
        prefix = f"/case/{self.number}"
        assert self.bundle.alertmanager is not None
        now = datetime.now(UTC)
        env = {}
        locations = None
        if test.at is not None:
            zones = self.folder / "zoneinfo"
            locations = _shifted_zones(self.bundle.alertmanager, test.at, now, zones, test.source)
            env["ZONEINFO"] = str(zones)
        config = config_under_test(self.bundle.alertmanager, f"{self.sink.url}{prefix}", locations)
        _write_templates(self.bundle, self.folder)
        server = LocalAlertmanager(self.binary, self.folder, yaml.safe_dump(config, sort_keys=False), env)
        started(server)
        with server, _answering(server):
            start, end = datetime.now(UTC), datetime.now(UTC) + timedelta(hours=1)
            alerts = [test.labels, *test.firing]
            server.post(
                "/api/v2/alerts",
                [
                    {"labels": labels, "startsAt": start.isoformat(), "endsAt": end.isoformat()}
                    for labels in alerts
                ],
            )
            self._settle(server, len(alerts))
            found = server.get("/api/v2/alerts")
            groups = server.get("/api/v2/alerts/groups")
            notified = self._notified(prefix) if test.notified is not None else None
        return self._judge(found, groups, notified)

    def _settle(self, server: LocalAlertmanager, posted: int) -> None:
        """Wait until Alertmanager has taken in every alert (each sits in one group per route it matched)
        and flushed every group twice: the first flush's notifications, muting and inhibition are done
        (a group's flushes run one after another), and the inhibitor has seen every alert."""
        deadline = time.monotonic() + FLUSH_SECONDS
        while True:
            if not server.running:
                raise AlertmanagerFailedError(
                    f"{server.binary} stopped during the test; its log:\n{server.log_tail()}\n"
                    f"If it crashed or another program killed it, run again; if it keeps failing: {INSTALL_HINT}"
                )
            found = server.get("/api/v2/alerts")
            groups = server.get("/api/v2/alerts/groups")
            routed = sum(len(alert.get("receivers") or []) for alert in found)
            grouped = sum(len(group.get("alerts") or []) for group in groups)
            flushes = sum(1 for entry in server.log_entries() if entry.get("msg") == "flushing")
            if len(found) == posted and grouped == routed and flushes >= 2 * len(groups):
                return
            if time.monotonic() > deadline:
                raise AlertmanagerFailedError(
                    f"Alertmanager did not group and flush the case's {posted} alerts within "
                    f"{FLUSH_SECONDS:.0f} s:\n{server.log_tail()}"
                )
            time.sleep(0.05)

    def _notified(self, prefix: str) -> list[int]:
        """The routes whose webhook received the tested alert."""
        sent = set()
        for path, body in self.sink.received(prefix):
            number = int(path.rsplit("/", 1)[-1])
            if any(alert.get("labels") == self.test.labels for alert in body.get("alerts", [])):
                sent.add(number)
        return sorted(sent)

    def _judge(self, found: list[dict], groups: list[dict], notified: list[int] | None) -> RouteResult:
        test = self.test
        mine = next((a for a in found if a.get("labels") == test.labels), None)
        if mine is None:
            return RouteResult(test.name, "route", test.source, ("Alertmanager did not keep the alert",))
        matched = [n for r in mine.get("receivers", []) if (n := route_number(r["name"])) is not None]
        receivers = [self.routes[n]["receiver"] for n in matched]
        problems = []
        if test.receivers is not None and tuple(receivers) != test.receivers:
            problems.append(
                f"receivers: expected {', '.join(test.receivers) or 'none'}; got {', '.join(receivers) or 'none'}"
            )
        if test.group_labels is not None:
            for group in groups:
                if not any(a.get("labels") == test.labels for a in group.get("alerts", [])):
                    continue
                number = route_number(group["receiver"]["name"]) or 0
                labels = dict(sorted(group.get("labels", {}).items()))
                if labels != test.group_labels:
                    problems.append(
                        f"group labels on the route to {self.routes[number]['receiver']}: expected "
                        f"{_labels_text(dict(test.group_labels))}; got {_labels_text(labels)}"
                    )
        by_fingerprint = {a["fingerprint"]: a["labels"] for a in found}
        inhibitors = [
            by_fingerprint.get(f, {"fingerprint": f}) for f in mine["status"].get("inhibitedBy") or []
        ]
        if test.inhibited is not None and bool(inhibitors) != test.inhibited:
            got = (
                "inhibited by " + ", ".join(map(_labels_text, inhibitors)) if inhibitors else "not inhibited"
            )
            problems.append(f"inhibited: expected {'yes' if test.inhibited else 'no'}; got {got}")
        if notified is not None and test.notified is not None:
            sent = [self.routes[n]["receiver"] for n in notified]
            if tuple(sent) != test.notified:
                problems.append(
                    f"notified at {test.at.isoformat() if test.at else 'now'}: expected "
                    f"{', '.join(test.notified) or 'none'}; got {', '.join(sent) or 'none'}"
                )
        details = [f"matched {self.route_text(n)}" for n in matched]
        if inhibitors:
            details.append("inhibited by " + ", ".join(map(_labels_text, inhibitors)))
        if mine["status"].get("silencedBy"):
            details.append("silenced by " + ", ".join(mine["status"]["silencedBy"]))
        return RouteResult(test.name, "route", test.source, tuple(problems), tuple(details))


@contextmanager
def _answering(server: LocalAlertmanager) -> Iterator[None]:
    """Turn a request the running Alertmanager does not answer into AlertmanagerFailedError with its log."""
    try:
        yield
    except ClientError as error:
        state = "has stopped" if server.exits_within(EXIT_SECONDS) else "is running"
        raise AlertmanagerFailedError(
            f"{error.message}\n{server.binary} {state}; its log:\n{server.log_tail()}\n"
            f"If it crashed or another program killed it, run again; if it keeps failing: {INSTALL_HINT}"
        ) from None


def amtool_renders() -> bool:
    """True when an amtool on PATH has ``template render`` (older ones do not)."""
    return (
        shutil.which("amtool") is not None
        and run_tool("amtool", ["template", "render", "--help"]).returncode == 0
    )


def _write_templates(bundle: Bundle, folder: Path) -> None:
    for path, text in bundle.alertmanager_files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)


def _template_data(test: TemplateTest) -> dict[str, Any]:
    """The notification data a group holding only the test's alert gets (grouped by all its labels)."""
    alert = {
        "status": "firing",
        "labels": dict(test.labels),
        "annotations": dict(test.annotations),
        "startsAt": "2026-01-01T00:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "",
        "fingerprint": "",
    }
    return {
        "receiver": "render",
        "status": "firing",
        "alerts": [alert],
        "groupLabels": dict(test.labels),
        "commonLabels": dict(test.labels),
        "commonAnnotations": dict(test.annotations),
        "externalURL": "http://127.0.0.1:9093",
    }


def _render_with_amtool(test: TemplateTest, folder: Path) -> tuple[str | None, str]:
    """``amtool template render`` of the test's text: (the text, '') or (None, what amtool said)."""
    (folder / "data.json").write_text(json.dumps(_template_data(test)))
    done = run_tool(
        "amtool",
        [
            "template",
            "render",
            f"--template.glob={folder / 'templates' / '*.tmpl'}",
            f"--template.text={test.text}",
            f"--template.data={folder / 'data.json'}",
        ],
    )
    if done.returncode != 0:
        return None, f"amtool template render failed: {(done.stdout + done.stderr).strip()}"
    return done.stdout.rstrip("\n"), ""


class _AlertmanagerRender:
    """The test's text rendered by a real Alertmanager, for an amtool without ``template render``: the text
    is a Slack receiver's title, and the Slack message is posted to the loopback recorder."""

    def __init__(
        self, test: TemplateTest, number: int, bundle: Bundle, binary: str, folder: Path, sink: WebhookSink
    ):
        self.test, self.path, self.sink = test, f"/template/{number}", sink
        slack = {
            "api_url": f"{sink.url}{self.path}",
            "channel": "#render",
            "title": test.text,
            "send_resolved": False,
        }
        self.config = {
            "route": {"receiver": "render", "group_by": ["..."], "group_wait": GROUP_WAIT},
            "receivers": [{"name": "render", "slack_configs": [slack]}],
            "templates": list((bundle.alertmanager or {}).get("templates") or []),
        }
        self.binary, self.folder = binary, folder

    def run(self, started: Callable[[LocalAlertmanager], None]) -> tuple[str | None, str]:
        server = LocalAlertmanager(self.binary, self.folder, yaml.safe_dump(self.config, sort_keys=False))
        started(server)
        with server, _answering(server):
            end = datetime.now(UTC) + timedelta(hours=1)
            alert = {"labels": dict(self.test.labels), "annotations": dict(self.test.annotations)}
            server.post("/api/v2/alerts", [{**alert, "endsAt": end.isoformat()}])
            deadline = time.monotonic() + FLUSH_SECONDS
            while not self.sink.received(self.path):
                failed = [e for e in server.log_entries() if e.get("msg") in NOTIFY_FAILED]
                if failed:
                    return None, f"Alertmanager could not render it: {failed[0].get('err', '')}"
                if time.monotonic() > deadline or not server.running:
                    raise AlertmanagerFailedError(
                        f"{self.binary} sent no message within {FLUSH_SECONDS:.0f} s; its log:\n{server.log_tail()}"
                    )
                time.sleep(0.05)
        body = self.sink.received(self.path)[0][1]
        return (body.get("attachments") or [{}])[0].get("title", ""), ""


def _template_result(test: TemplateTest, rendered: str | None, error: str) -> RouteResult:
    if rendered is None:
        problems: tuple[str, ...] = (error,)
    elif rendered != test.expected:
        problems = (f"rendered: expected {test.expected!r}; got {rendered!r}",)
    else:
        problems = ()
    return RouteResult(test.name, "template", test.source, problems)


def run_route_tests(
    bundle: Bundle,
    names: Sequence[str] = (),
    on_result: Callable[[RouteResult], None] | None = None,
    on_start: Callable[[LocalAlertmanager], None] | None = None,
) -> RouteReport:
    """Run the bundle's route and template tests (only those named in ``names`` when given), route tests on
    real Alertmanagers, up to WORKERS at a time; ``on_result`` is called with each result in test order,
    ``on_start`` with each Alertmanager before it starts. Templates are rendered by ``amtool template
    render``, or by a real Alertmanager when amtool is missing or too old to have it.

    Every Alertmanager is stopped and the temporary folder removed on return, on error, on Ctrl-C and on
    SIGTERM (raised as Terminated, a KeyboardInterrupt). Raises AlertmanagerMissingError saying how to install it,
    and AlertmanagerFailedError when Alertmanager rejects the config or does not answer.
    """
    tests = [t for t in bundle.route_tests if not names or t.name in names]
    if not tests:
        return RouteReport(())
    if bundle.alertmanager is None:
        raise ToolkitError("route tests need a routing policy: register ALERTMANAGER in alerts/__init__.py")
    with sigterm_unwinds():
        return _run_tests(bundle, tests, on_result, on_start)


def _run_tests(
    bundle: Bundle,
    tests: list[RouteTest | TemplateTest],
    on_result: Callable[[RouteResult], None] | None,
    on_start: Callable[[LocalAlertmanager], None] | None,
) -> RouteReport:
    templates = any(isinstance(t, TemplateTest) for t in tests)
    with_amtool = templates and amtool_renders()
    needs_alertmanager = any(isinstance(t, RouteTest) for t in tests) or (templates and not with_amtool)
    binary = find_alertmanager() if needs_alertmanager else ""
    servers: list[LocalAlertmanager] = []
    lock = threading.Lock()
    stop = threading.Event()

    def started(server: LocalAlertmanager) -> None:
        with lock:
            servers.append(server)
            if stop.is_set():
                server.stop()
        if on_start:
            on_start(server)

    results: list[RouteResult] = []
    with tempfile.TemporaryDirectory(prefix="toolkit-routes-") as tmp, WebhookSink() as sink:

        def run(item: tuple[int, RouteTest | TemplateTest]) -> RouteResult:
            number, test = item
            folder = Path(tmp) / f"case-{number}"
            folder.mkdir()
            if stop.is_set():
                raise KeyboardInterrupt
            if isinstance(test, RouteTest):
                return _Case(test, number, bundle, binary, folder, sink).run(started)
            _write_templates(bundle, folder)
            if with_amtool:
                return _template_result(test, *_render_with_amtool(test, folder))
            return _template_result(
                test, *_AlertmanagerRender(test, number, bundle, binary, folder, sink).run(started)
            )

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            futures = [pool.submit(run, item) for item in enumerate(tests)]
            try:
                for future in futures:
                    results.append(future.result())
                    if on_result:
                        on_result(results[-1])
            except BaseException:
                stop.set()
                for future in futures:
                    future.cancel()
                with lock:
                    for server in servers:
                        server.stop()
                raise
    return RouteReport(tuple(results))
