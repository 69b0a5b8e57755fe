"""A small input file per check that makes it fire; docs/lint.md shows each with lint's real output.

A rule file is YAML, a dashboard is JSON (it starts with ``{``), an Alertmanager config YAML starting with
``route:``. ``catalogue`` names the metrics of the
project's catalogue when the check needs one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """An input that triggers a check, and the catalogue it is linted with (project-only checks)."""

    text: str
    catalogue: tuple[str, ...] = ()

    @property
    def is_dashboard(self) -> bool:
        """True for Grafana dashboard JSON, False for a Prometheus rule file."""
        return self.text.startswith("{")

    @property
    def is_alertmanager(self) -> bool:
        """True for an Alertmanager configuration (it starts with ``route:``)."""
        return self.text.startswith("route:")


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
        _rules(_alert('sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))'))
    ),
    "alerts/for": Example(
        _rules(
            _alert(_RATIO).replace("        for: 5m\n", ""),
            _alert("absent(up{job='api'})", name="ApiAbsent").replace("for: 5m", "for: 30s"),
        )
    ),
    "alerts/template": Example(
        _rules(_alert(_RATIO, annotations=_ANNOTATIONS.replace("humanizePercentage", "humanise")))
        + _alert(_RATIO, name="RawValue", annotations=_ANNOTATIONS.replace(" | humanizePercentage", ""))
    ),
    "alerts/untested": Example(_rules(_alert(_RATIO))),
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
        )
    ),
    "promql/counter": Example(_rules(_alert('http_requests_total{status=~"5.."} > 100'))),
    "promql/fragile": Example(
        _rules(_alert('topk(3, sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))) > 1'))
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
    "promql/regexp": Example(_rules(_alert(_RATIO.replace('status=~"5.."', 'job=~"^api$", status=~"500"')))),
    "promql/series": Example(_rules(_alert(_RATIO.replace('status=~"5.."', 'stauts=~"5.."')))),
    "promql/syntax": Example(
        _rules(_alert('sum by (job) (rate(http_requests_total{status=~"5.."}[5m]) > 1'))
    ),
    "rule/dependency": Example(_rules(_alert("job:http_errors:ratio_rate5m > 0.05"))),
    "rule/duplicate": Example(_rules(_alert(_RATIO), _alert(_RATIO.replace("0.05", "0.1")))),
    "routes/uncovered": Example(
        "route:\n  receiver: slack-default\n  routes:\n    - receiver: slack-warning\n"
        "      matchers: ['severity=\"warning\"']\n"
        "receivers:\n  - name: slack-default\n  - name: slack-warning\n"
    ),
    "rule/label": Example(_rules(_alert(_RATIO, extra="        labels: {severity: page}\n"))),
    "rule/name": Example(
        _rules(
            "      - record: http_requests_rate5m\n        expr: sum by (job) (rate(http_requests_total[5m]))\n",
            _alert(_RATIO, name="high_error_rate"),
            group="API Alerts",
        )
    ),
    "target/rate-interval": Example(_dashboard(_panel(expr="sum(rate(http_requests_total[5m]))"))),
    "template/datasource": Example(_dashboard(templating='{"list": []}')),
    "template/promql": Example(
        _dashboard(
            templating='{"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"},\n'
            '    {"name": "job", "type": "query", "query": "label_values(up{job=, job)"}]}'
        )
    ),
}
