"""alerts/template: promtool judges templates where installed; our own parser agrees with it without."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_lint import GOOD_ALERT, alert, findings_for, rules_file
from toolkit.lint import templates
from toolkit.lint.templates import judge, template_problems

VALID = [
    "{{ $labels.job }} fails {{ $value | humanizePercentage }}",
    '{{ .Labels.job }} {{ printf "%.2f" $value }} {{ with query "up" }}{{ . | first | value }}{{ end }}',
    '{{- range $i, $x := query "up" -}}{{ $x.Value }}{{ end -}}',
    "{{/* a comment }} */}}ok",
    '{{ "}}" }}',
    "{{ if eq $value 1.0 }}a{{ else if $labels.job }}b{{ else }}c{{ end }}",
    "plain text with } and }} in it",
    "{{ $x := 1 }}{{ $x }}",
    "{{ $externalLabels.cluster }} {{ $externalURL }}",
    '{{ $labels.job | printf "%s" | toUpper }}',
]
PLAIN = [
    GOOD_ALERT["annotations"]["description"],
    "{{$labels.instance}} down",
    "{{ .Labels.job | toUpper }}",
    '{{ printf "%.2f" $value }}% of {{ $labels.job }}',
    '{{printf "%s" $labels.instance}}',
    "{{ $value | printf `%.1f` | humanize }}",
    '{{- printf "%.0f%%" .Value -}}',
]
INVALID = {
    "{{ if $value }}x": "unexpected EOF",
    "{{ $value | humanise }}": 'function "humanise" not defined',
    '{{ "abc }}': "unterminated quoted string",
    "{{ end }}": "unexpected {{end}}",
    "{{ }}": "missing value for command",
    "{{ $labels.job": "unclosed action",
    "{{ break }}": "{{break}} outside {{range}}",
    '{{ range query "up" }}{{ $y := 1 }}{{ end }}{{ $y }}': 'undefined variable "$y"',
    "{{ len ($labels }}": "unclosed left paren",
    "{{ if }}x{{ end }}": "missing value for if",
    "{{ if $value }}a{{ else with }}b{{ end }}": "missing value for with",
    "{{ range }}{{ end }}": "missing value for range",
}


@pytest.fixture
def without_promtool(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))


def test_our_parser_gives_gos_message(without_promtool) -> None:
    assert {text: template_problems(text) for text in VALID} == {text: [] for text in VALID}
    for text, message in INVALID.items():
        assert template_problems(text)[0].startswith(message), text


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_our_parser_agrees_with_promtool() -> None:
    verdict = templates.start_promtool([*VALID, *INVALID])()
    assert verdict is not None
    assert {text: bool(problems) for text, problems in verdict.items()} == {
        **{text: False for text in VALID},
        **{text: True for text in INVALID},
    }


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_judges_where_installed(tmp_path: Path) -> None:
    bad = alert(labels={"severity": "critical", "team": "{{ if $value }}x"})
    found = findings_for(tmp_path, "r.yml", rules_file(bad), "alerts/template")
    assert [f.message for f in found] == ['label "team": template: __alert_HighErrorRate: unexpected EOF']


def test_without_promtool_our_parser_judges(tmp_path: Path, without_promtool) -> None:
    bad = alert(labels={"severity": "critical", "team": "{{ if $value }}x"})
    found = findings_for(tmp_path, "r.yml", rules_file(bad), "alerts/template")
    assert [f.message for f in found] == [
        'label "team": template: __alert_HighErrorRate: unexpected EOF: {{if}} has no {{end}}'
    ]


def test_plain_substitutions_need_no_judge(monkeypatch) -> None:
    def no_promtool(texts):
        raise AssertionError(f"promtool asked about {texts}")

    monkeypatch.setattr(templates, "start_promtool", no_promtool)
    assert judge(PLAIN) == {text: [] for text in PLAIN}


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_finds_the_plain_substitutions_valid() -> None:
    assert templates.start_promtool(PLAIN)() == {text: [] for text in PLAIN}


def test_substitutions_in_any_other_shape_are_judged() -> None:
    for text in ('{{ printf "%s\\n" $value }}', "{{ printf $value }}", '{{ printf "%d" 3 }}', "{{ $value }"):
        assert not templates.is_plain(text), text


def test_every_alert_using_a_broken_template_is_reported(tmp_path: Path) -> None:
    broken = {**GOOD_ALERT["annotations"], "description": "{{ $value | humanise }}"}
    content = rules_file(alert(alert="First", annotations=broken), alert(alert="Second", annotations=broken))
    found = findings_for(tmp_path, "r.yml", content, "alerts/template")
    assert [(f.subject, f.message) for f in found] == [
        ("First", 'annotation "description": template: __alert_First: function "humanise" not defined'),
        ("Second", 'annotation "description": template: __alert_Second: function "humanise" not defined'),
    ]
