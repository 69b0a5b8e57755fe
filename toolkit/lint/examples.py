"""Per check, a small input file that makes it fire and one that keeps it quiet; docs/lint.md shows each
with lint's real output, and the tests run both.

A rule file is YAML, a dashboard is JSON (it starts with ``{``), an Alertmanager config YAML starting with
``route:``. ``catalogue`` names the metrics of the
project's catalogue when the check needs one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """An input that triggers a check (``text``), one that does not (``quiet``; by default the same kind of
    file without the mistake), and the catalogue and ``lint.policies`` they are linted with."""

    text: str
    catalogue: tuple[str, ...] = ()
    quiet: str = ""
    policy: dict | None = None

    @property
    def is_dashboard(self) -> bool:
        """True for Grafana dashboard JSON, False for a Prometheus rule file."""
        return self.text.startswith("{")

    @property
    def is_alertmanager(self) -> bool:
        """True for an Alertmanager configuration (it starts with ``route:``)."""
        return self.text.startswith("route:")

    @property
    def quiet_text(self) -> str:
        """The quiet input: ``quiet``, else a clean file of the same kind (for an Alertmanager check, a
        project without a routing policy)."""
        return self.quiet or (_dashboard() if self.is_dashboard else _rules(_alert(_RATIO)))


_ANNOTATIONS = (
    "        annotations:\n"
    "          summary: Requests fail.\n"
    '          description: "{{ $labels.job }} fails {{ $value | humanizePercentage }} of requests."\n'
    "          runbook_url: https://runbooks.example/HighErrorRate\n"
)
_LABELS = "        labels: {severity: critical, team: platform}\n"


def _alert(expr: str, name: str = "HighErrorRate", extra: str = "", annotations: str = _ANNOTATIONS) -> str:
    return f"      - alert: {name}\n        expr: {expr}\n        for: 5m\n{extra or _LABELS}{annotations}"


def _rules(*rules: str, group: str = "api-alerts") -> str:
    return f"groups:\n  - name: {group}\n    rules:\n{''.join(rules)}"


_RATIO = 'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05'
_DATASOURCE = '{"type": "prometheus", "uid": "${datasource}"}'
_VARIABLES = '{"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]}'


def _panel(
    *,
    id: int = 1,
    title: str = "Requests",
    expr: str = "sum(rate(http_requests_total[$__rate_interval]))",
    extra: str = "",
    grid: str = '{"x": 0, "y": 0, "w": 12, "h": 8}',
    unit: str = '"unit": "reqps"',
    description: str = "Requests per second.",
    datasource: str = _DATASOURCE,
    targets: str | None = None,
) -> str:
    targets = targets if targets is not None else f'[{{"refId": "A", "expr": "{expr}"}}]'
    return (
        f'    {{\n      "id": {id}, "type": "timeseries", "title": "{title}", "description": "{description}",\n'
        f'      "gridPos": {grid}, "datasource": {datasource},\n'
        f'      "fieldConfig": {{"defaults": {{{unit}}}}},{extra}\n      "targets": {targets}\n    }}'
    )


def _dashboard(*panels: str, uid: str = "api", templating: str = _VARIABLES, links: str = "") -> str:
    return (
        f'{{\n  "uid": "{uid}", "title": "API", "schemaVersion": 41,{links}\n'
        f'  "templating": {templating},\n  "panels": [\n' + ",\n".join(panels or (_panel(),)) + "\n  ]\n}\n"
    )


EXAMPLES: dict[str, Example] = {
    "alerts/annotation": Example(
        _rules(_alert(_RATIO, annotations="        annotations: {summary: Requests fail.}\n"))
    ),
    "alerts/comparison": Example(
        _rules(_alert('sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))')),
        quiet=_rules(_alert("vector(1)", name="Watchdog")),
    ),
    "alerts/count": Example(_rules(_alert(_RATIO))),
    "alerts/for": Example(
        _rules(
            _alert(_RATIO).replace("        for: 5m\n", ""),
            _alert("absent(up{job='api'})", name="ApiAbsent").replace("for: 5m", "for: 30s"),
            _alert(_RATIO.replace("[5m]", "[1h]"), name="SlowErrorRate").replace("for: 5m", "for: 2m"),
        )
    ),
    "alerts/humanize": Example(
        _rules(_alert(_RATIO, annotations=_ANNOTATIONS.replace(" | humanizePercentage", "")))
    ),
    "alerts/template": Example(
        _rules(_alert(_RATIO, annotations=_ANNOTATIONS.replace("humanizePercentage", "humanise")))
    ),
    "alerts/untested": Example(
        _rules(_alert(_RATIO)),
        quiet=_rules(
            "      - record: job:http_requests:rate5m\n        expr: sum by (job) (rate(http_requests_total[5m]))\n",
            group="api.rules",
        ),
    ),
    "dashboard/grid": Example(
        _dashboard(_panel(), _panel(id=2, title="Errors", grid='{"x": 6, "y": 0, "w": 12, "h": 8}'))
    ),
    "dashboard/links": Example(
        _dashboard(links='\n  "links": [{"title": "Database", "type": "link", "url": "/d/database"}],')
    ),
    "dashboard/uid": Example(_dashboard(uid="api dashboard/v2")),
    "lint/ignore": Example(
        _rules(
            "      # toolkit lint ignore promql/rgexp: our job label is anchored on purpose\n"
            + _alert(_RATIO),
            _alert(_RATIO, name="HighErrorRateEu").replace(
                "HighErrorRateEu\n", "HighErrorRateEu  # toolkit lint ignore promql/regexp\n"
            ),
        )
    ),
    "metrics/catalogue": Example(
        _rules(_alert(_RATIO.replace("http_requests_total[5m]", "http_request_total[5m]"))),
        catalogue=("http_requests_total",),
    ),
    "panel/datasource": Example(_dashboard(_panel(datasource='"Prometheus"'))),
    "panel/description": Example(_dashboard(_panel(description=""))),
    "panel/targets": Example(_dashboard(_panel(targets="[]"))),
    "panel/units": Example(_dashboard(_panel(unit=""))),
    "promql/aggregate": Example(
        _rules(
            _alert(
                'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05'
            )
        ),
        quiet=_rules(
            _alert(
                "sum by (pod) (rate(http_requests_total[5m])) * on (pod) group_left (job) kube_pod_info > 0.05"
            )
        ),
    ),
    "promql/counter": Example(
        _rules(_alert('http_requests_total{status=~"5.."} > 100')),
        quiet=_rules(
            _alert('http_requests_total{status=~"5.."} > 0', name="AnyError"),
            "      - record: http_requests:total\n        expr: http_requests_total\n",
        ),
    ),
    "promql/impossible": Example(_rules(_alert("count(up{job='api'} == 1) == 0", name="ApiGone"))),
    "promql/absent": Example(_rules(_alert("absent(sum(up{job='api'}))", name="ApiAbsent"))),
    "rule/load": Example(
        _rules(
            "      - record: job:http_requests:rate5m\n        expr: sum by (job) (rate(http_requests_total[5m]))\n"
            "        for: 5m\n",
            group="api.rules",
        )
    ),
    "source/read": Example("groups:\n  - name: api-alerts\n    rules: [\n"),
    "source/skipped": Example("services:\n  web:\n    image: nginx\n"),
    "group/interval": Example(
        _rules(_alert(_RATIO).replace("for: 5m", "for: 30s"), group="api-alerts\n    interval: 2m"),
        quiet=_rules(_alert(_RATIO), group="api-alerts\n    interval: 1m"),
    ),
    "promql/keep": Example(
        _rules(
            "      - record: http_requests:rate5m\n        expr: sum(rate(http_requests_total[5m]))\n",
            group="api.rules",
        ),
        quiet=_rules(
            "      - record: job:http_requests:rate5m\n        expr: sum by (job) (rate(http_requests_total[5m]))\n",
            group="api.rules",
        ),
        policy={"keep": ["job"]},
    ),
    "promql/selector": Example(
        _rules(_alert(_RATIO.replace('{status=~"5.."}', "").replace("[5m]", '{status=~"5.."}[5m]', 1))),
        quiet=_rules(
            _alert(
                _RATIO.replace('status=~"5.."', 'job="api", status=~"5.."').replace(
                    "http_requests_total[5m]", 'http_requests_total{job="api"}[5m]'
                )
            )
        ),
        policy={"selectors": ["job"]},
    ),
    "rule/for": Example(
        _rules(_alert(_RATIO).replace("for: 5m", "for: 1m")),
        quiet=_rules(_alert(_RATIO).replace("for: 5m", "for: 10m")),
        policy={"min_for": "5m"},
    ),
    "rule/reject": Example(
        _rules(
            _alert(_RATIO, extra="        labels: {severity: critical, team: platform, instance: web-1}\n")
        ),
        policy={"reject": {"label_keys": ["^instance$"]}},
    ),
    "rule/report": Example(
        _rules(_alert(_RATIO, name="LegacyHighErrorRate")),
        policy={
            "report": [{"match": "^Legacy", "message": "legacy alerts are being replaced by the SLO alerts"}]
        },
    ),
    "promql/fragile": Example(
        _rules(_alert('topk(3, sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))) > 1')),
        quiet=_rules(_alert('topk(1, sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))) > 1')),
    ),
    "promql/histogram": Example(
        _rules(
            _alert(
                "histogram_quantile(0.95, sum by (job) (rate(http_request_duration_seconds_bucket[5m]))) > 2"
            )
        )
    ),
    "promql/rate": Example(
        _rules(
            "      - record: job:http_requests:rate5m\n"
            "        expr: rate(sum by (job) (http_requests_total)[5m:])\n"
            "      - record: job:http_requests:rate1m\n"
            "        expr: sum by (job) (rate(http_requests_total[1m]))\n",
            group="api.rules",
        )
    ),
    "promql/regexp": Example(
        _rules(_alert(_RATIO.replace('status=~"5.."', 'job=~"^api$", mountpoint=~"^/var", status=~"500"')))
    ),
    "promql/matching": Example(
        _rules(_alert(_RATIO.replace(") / sum by (job) (", ") / sum by (instance) (")))
    ),
    "promql/range": Example(_rules(_alert(_RATIO.replace("[5m]", "[90d]")))),
    "promql/series": Example(_rules(_alert(_RATIO.replace('status=~"5.."', 'stauts=~"5.."')))),
    "promql/syntax": Example(
        _dashboard(_panel(expr="sum by (job) (rate(http_requests_total[$__rate_interval])")),
        quiet=_dashboard(
            _panel(expr="sum by () (increase(http_requests_total[$__interval:] offset -$__interval))")
        ),
    ),
    "rule/dependency": Example(_rules(_alert("job:http_errors:ratio_rate5m > 0.05"))),
    "rule/duplicate": Example(
        _rules(_alert(_RATIO), _alert(_RATIO)),
        quiet=_rules(_alert(_RATIO), _alert(_RATIO.replace("0.05", "0.1")).replace("5m\n", "15m\n", 1)),
    ),
    "routes/uncovered": Example(
        "route:\n  receiver: slack-default\n  routes:\n    - receiver: slack-warning\n"
        "      matchers: ['severity=\"warning\"']\n"
        "receivers:\n  - name: slack-default\n  - name: slack-warning\n"
    ),
    "rule/label": Example(
        _rules(_alert(_RATIO, extra="        labels: {severity: page}\n")),
        quiet=_rules(
            _alert("vector(1)", name="Watchdog", extra="        labels: {severity: none, team: platform}\n")
        ),
    ),
    "rule/name": Example(
        _rules(
            "      - record: http_requests_rate5m\n        expr: sum by (job) (rate(http_requests_total[5m]))\n",
            _alert(_RATIO, name="high_error_rate"),
            group="API Alerts",
        )
    ),
    "target/rate-interval": Example(
        _dashboard(_panel(expr="sum(rate(http_requests_total[5m]))")),
        quiet=_dashboard(
            _panel(expr='sum(rate(http_requests_total{handler=~\\"/api/[a-z]+\\"}[$__rate_interval]))')
        ),
    ),
    "template/datasource": Example(_dashboard(templating='{"list": []}')),
    "template/promql": Example(
        _dashboard(
            templating='{"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"},\n'
            '    {"name": "job", "type": "query", "query": "label_values(up{job=, job)"}]}'
        )
    ),
}
