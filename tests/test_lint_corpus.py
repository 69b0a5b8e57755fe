"""Real-world input: a corpus of valid rule files in every style lints clean; broken files are one finding."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_lint import run
from toolkit.sources.files import expand_paths

COMPLETE = (
    "for: 5m",
    "labels: {severity: warning, team: platform}",
    "annotations: {summary: Down., description: '{{ $labels.job }} is down', runbook_url: https://r/x}",
)
LONG_EXPR = " + ".join(f'sum by (job) (rate(m{i}_total{{job="a"}}[5m]))' for i in range(300)) + " > 1"


def _alert(name: str, expr: str, indent: int = 6) -> str:
    pad = " " * indent
    return f"{pad}- alert: {name}\n{pad}  expr: {expr}\n" + "".join(f"{pad}  {line}\n" for line in COMPLETE)


def _group(name: str, rules: str, indent: int = 2) -> str:
    pad = " " * indent
    return (
        f"{pad}- name: {name}\n{pad}  rules:\n{rules}"
        if rules
        else f"{pad}- name: {name}\n{pad}  rules: []\n"
    )


# Each file is valid for Prometheus (promtool checks them all when it is installed) and has no mistake.
CORPUS = {
    "comments.yml": "# header\ngroups: # the groups\n  - name: commented # the name\n    rules:\n"
    "      # a recording rule\n      - record: job:x:rate5m # inline\n        expr: sum by (job) (rate(x_total[5m]))\n",
    "anchors.yml": "groups:\n  - name: anchored\n    rules:\n"
    "      - alert: First\n        expr: up == 0\n        for: 5m\n        labels: &owner {severity: warning, team: platform}\n"
    f"        {COMPLETE[2]}\n"
    "      - alert: Second\n        expr: up{job='b'} == 0\n        for: 5m\n        labels: *owner\n"
    f"        {COMPLETE[2]}\n",
    "merge-keys.yml": "groups:\n  - name: merged\n    rules:\n"
    "      - &base\n        alert: Base\n        expr: up == 0\n"
    + "".join(f"        {line}\n" for line in COMPLETE)
    + "      - <<: *base\n        alert: Derived\n        expr: up{job='x'} == 0\n",
    "null-rules.yml": "groups:\n  - name: nothing-yet\n    rules: null\n  - name: later\n    rules:\n",
    "empty-group.yml": "groups:\n" + _group("empty", ""),
    "no-groups.yml": "groups: []\n",
    "null-groups.yml": "groups:\n",
    "unicode.yml": "groups:\n  - name: dienste-ünï\n    rules:\n"
    '      - alert: DienstNichtErreichbar\n        expr: up{job="dienst-ü", zone=~"東京|大阪"} == 0\n'
    "        for: 5m\n        labels: {severity: warning, team: plattform-ß}\n"
    "        annotations: {summary: 'Dienst nicht erreichbar ✗', description: '{{ $labels.job }} ist weg 🚨', "
    "runbook_url: 'https://r/ü'}\n",
    "long.yml": "groups:\n" + _group("long", _alert("VeryLongExpression", LONG_EXPR)),
    "block-scalars.yml": "groups:\n  - name: blocks\n    rules:\n"
    "      - alert: Literal\n        expr: |\n          sum by (job) (rate(errors_total[5m]))\n"
    "            /\n          sum by (job) (rate(requests_total[5m]))\n            > 0.05\n"
    + "".join(f"        {line}\n" for line in COMPLETE)
    + "      - alert: Folded\n        expr: >-\n          max by (job) (up)\n          == 0\n"
    + "".join(f"        {line}\n" for line in COMPLETE),
    "flow.yml": '{"groups": [{"name": "flow", "rules": [{"record": "job:y:rate5m", '
    '"expr": "sum by (job) (rate(y_total[5m]))", "labels": {"tier": "1"}}]}]}\n',
    "documents.yml": "---\ngroups:\n" + _group("document", _alert("Documented", "up == 0")) + "...\n",
    "crlf.yml": ("groups:\n" + _group("windows", _alert("WindowsLineEndings", "up == 0"))).replace(
        "\n", "\r\n"
    ),
    "bom.yml": "\ufeffgroups:\n" + _group("bom", _alert("ByteOrderMark", "up == 0")),
    "options.yml": "groups:\n  - name: options\n    interval: 30s\n    limit: 10\n    rules:\n"
    + _alert("KeepsFiring", "up == 0").replace("  for: 5m\n", "  for: 5m\n        keep_firing_for: 10m\n"),
    "quoted.yml": "groups:\n  - name: 'quoted'\n    rules:\n"
    '      - alert: "Quoted"\n        expr: \'up{job="a"} == 0\'\n        for: "5m"\n'
    "        labels: {'severity': \"warning\", team: 'platform'}\n"
    "        annotations: {summary: \"A \\\"quoted\\\" one.\", description: '{{ $labels.job }}''s gone', "
    "runbook_url: https://r/q}\n",
    "many-groups.yml": "groups:\n"
    + "".join(_group(f"g{n}", _alert(f"Alert{n}", f"up{{n='{n}'}} == 0")) for n in range(60)),
    "rules.yaml": "groups:\n"
    + _group("yaml-suffix", _alert("YamlSuffix", "absent(up{job='x'})").replace("5m", "10m")),
}
MANIFESTS = {
    "manifest.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\nspec:\n"
    "  groups:\n" + _group("manifest", _alert("InManifest", "up == 0", 8), 4) + "---\n"
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {x: y}\n---\n"
    "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: c}\nspec:\n"
    "  groups:\n" + _group("manifest-two", _alert("InSecondManifest", "up == 0", 8), 4),
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content.encode())
    return folder


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_the_corpus_is_valid_for_promtool(tmp_path: Path) -> None:
    folder = write(tmp_path, CORPUS)
    done = subprocess.run(
        ["promtool", "check", "rules", *sorted(str(p) for p in folder.iterdir())],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_valid_files_of_every_style_lint_clean(tmp_path: Path) -> None:
    folder = write(tmp_path / "corpus", {**CORPUS, **MANIFESTS})
    result = run("lint", "--fail-on", "warning", str(folder))
    assert (result.exit_code, result.output) == (0, "no findings\n")


def test_every_rule_of_the_corpus_is_read(tmp_path: Path) -> None:
    folder = write(tmp_path / "corpus", {**CORPUS, **MANIFESTS})
    result = run(
        "lint", "--format", "json", "--check", "alerts/annotation", "--fail-on", "fatal", str(folder)
    )
    assert result.exit_code == 0 and result.output.strip() == "[]"
    from toolkit.sources.files import load_paths

    names = {rule.name for group in load_paths([folder]).bundle.rule_groups for rule in group.rules}
    assert {"Derived", "Second", "InManifest", "InSecondManifest", "Alert59", "ByteOrderMark"} <= names
    assert len(names) == 78


BROKEN = {
    "invalid.yml": ("groups: [\n", "invalid YAML", 2),
    "noname.yml": ("groups:\n  - rules: []\n", "Groupname must not be empty", 2),
    "latin1.yml": (b"groups:\n  - name: caf\xe9\n", "not UTF-8", 0),
    "list.yml": (
        "groups:\n  - name: n\n    rules:\n      - record: job:x:sum\n        expr: [up]\n",
        "'expr' must be a PromQL query, not list",
        5,
    ),
    "no-expr.yml": (
        "groups:\n  - name: n\n    rules:\n      - alert: X\n",
        'group "n", rule 1, "X": field \'expr\' must be set in rule',
        4,
    ),
    "typo.yml": (
        "groups:\n  - name: n\n    rules:\n      - alert: X\n        expr: up == 0\n        lables: {a: b}\n",
        "field lables not found in type rulefmt.RuleNode: did you mean 'labels'?",
        6,
    ),
    "group-typo.yml": (
        "groups:\n  - name: n\n    intervl: 1m\n    rules: []\n",
        "field intervl not found in type rulefmt.RuleGroup: did you mean 'interval'?",
        3,
    ),
    "top-level.yml": (
        "defaults: {a: 1}\ngroups: []\n",
        "field defaults not found in type rulefmt.RuleGroups",
        1,
    ),
    "two-rules-in-one.yml": (
        "groups:\n  - name: n\n    rules:\n      - alert: X\n        record: y\n        expr: up\n",
        "only one of 'record' and 'alert' must be set",
        5,
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_inputs_give_one_finding_with_the_path(tmp_path: Path, name: str) -> None:
    content, message, line = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run("lint", str(path))
    assert result.exit_code == 1
    fatal = [text for text in result.output.splitlines() if ": fatal: " in text]
    where = f"{path}:{line}" if line else str(path)
    assert len(fatal) == 1 and re.match(rf"{re.escape(where)}(:\d+)?: fatal: ", fatal[0]), fatal
    assert message in fatal[0]
    assert "Traceback" not in result.output


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, {"good.yml": CORPUS["comments.yml"], "bad.yml": BROKEN["typo.yml"][0]})
    (tmp_path / "counter.yml").write_text(
        "groups:\n  - name: c\n    rules:\n      - record: job:y:sum\n        expr: sum(y_total)\n"
    )
    result = run("lint", str(tmp_path))
    assert "bad.yml:6: fatal" in result.output and "counter.yml:5:19: warning" in result.output


def test_a_directory_without_rule_files_is_one_finding(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a rule file")
    result = run("lint", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{tmp_path}: fatal: no rule files (.yml, .yaml) or dashboards (.json) here (source/read)"
    )


def test_files_are_found_as_rglob_finds_them_and_an_unlistable_folder_is_said(
    tmp_path: Path, monkeypatch
) -> None:
    for name in (
        "b.yml",
        "a-c.yaml",
        "a/b.json",
        "a/deep/c.yml",
        "a/notes.txt",
        "x.yml.bak",
        ".hidden/d.yml",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("groups: []\n")
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)  # not followed, as rglob
    (tmp_path / "link.yml").symlink_to(tmp_path / "b.yml")  # a link to a file is read
    (tmp_path / "locked").mkdir()
    errors: list = []
    expected = sorted(
        p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml", ".json")
    )
    assert expand_paths([tmp_path], errors) == expected and not errors
    real_scandir = os.scandir

    def refusing(folder):
        if str(folder).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(folder)

    monkeypatch.setattr(os, "scandir", refusing)
    assert expand_paths([tmp_path], errors) == expected
    assert [(e.message, e.location.path) for e in errors] == [
        ("cannot list this folder: Permission denied", str(tmp_path / "locked"))
    ]
