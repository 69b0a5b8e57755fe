"""Alert label and annotation templates: does each parse as a Prometheus (Go text/template) template?

Templates made only of plain substitutions (``{{ $labels.job }}``, ``{{ $value | humanize }}``,
``{{ printf "%.2f" $value }}``) are valid by construction. promtool judges every other template where it is installed: the distinct ones go to one
``promtool check rules`` run, which goes on in the background while lint does the rest (see
:func:`start_judging`). Without promtool, :func:`template_problems` parses them itself: actions,
strings, parentheses, block nesting, variables and function names, with Go's messages.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

PROMETHEUS_FUNCTIONS = (
    "query first label value strvalue sortByLabel args tmpl safeHtml match reReplaceAll title toUpper toLower "
    "graphLink tableLink humanize humanize1024 humanizeDuration humanizePercentage humanizeTimestamp toTime "
    "toDuration now parseDuration pathPrefix externalURL stripPort stripDomain urlQueryEscape"
)
GO_FUNCTIONS = "and call html index slice js len not or print printf println urlquery eq ne lt le gt ge"
FUNCTIONS = frozenset(f"{PROMETHEUS_FUNCTIONS} {GO_FUNCTIONS}".split())
OPENS_BLOCK = {"if", "range", "with", "define", "block"}
CONSTANTS = {"true", "false", "nil"}
TOKEN = re.compile(
    r"""\s+|"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|\$\w*|(?:\.\w+)+|\.|:=|[|(),=]|"""
    r"""[-+]?\.?\d[\w.]*|\w+|."""
)
_SUBSTITUTED = r"(?:\$(?:labels|value|externalLabels|externalURL)|\.Labels|\.Value)(?:\.\w+)?"
_FORMAT = r"""printf\s+(?:"[^"\\\n]*"|`[^`]*`)"""  # a string Go reads as it stands (no escapes)
PLAIN_ACTION = re.compile(  # a label or the value, maybe formatted by printf, through the usual filters
    rf"\{{\{{-?\s*(?:{_FORMAT}\s+{_SUBSTITUTED}|{_SUBSTITUTED}(?:\s*\|\s*{_FORMAT})?)"
    r"(?:\s*\|\s*(?:humanize\w*|toUpper|toLower|title|stripPort|stripDomain))*\s*-?\}\}"
)
PROMTOOL_PROBLEM = re.compile(r'rule (\d+), "[^"]*": annotation "t": template: [^:]*:(\d+):(?:\d+:)? (.*)$')
PROMTOOL_TIMEOUT = 60
# promtool's garbage collector only costs CPU on a run this short: off until the heap nears 64 MiB (a user's
# own GOGC or GOMEMLIMIT wins)
PROMTOOL_ENV = {"GOGC": "off", "GOMEMLIMIT": "64MiB"}
ALERT_VARIABLES = {"$", "$labels", "$value", "$externalLabels", "$externalURL"}  # Prometheus declares them


def is_plain(text: str) -> bool:
    """True when every action in ``text`` is a plain substitution of a label or the value."""
    rest = PLAIN_ACTION.sub("", text)
    return "{{" not in rest and "}}" not in rest


def judge(templates: Sequence[str]) -> dict[str, list[str]]:
    """The problems of each template ([] for a valid one): promtool's verdict where it is installed."""
    return start_judging(templates)()


def start_judging(templates: Sequence[str]) -> Callable[[], dict[str, list[str]]]:
    """Start judging ``templates``: promtool's run (if any is needed) goes on in the background; the function
    returned waits for it and gives what :func:`judge` gives."""
    plain = {text: [] for text in templates if is_plain(text)}
    others = sorted(text for text in templates if text not in plain)
    running = start_promtool(others) if others else None

    def verdict() -> dict[str, list[str]]:
        found = running() if running is not None else None
        if found is None:
            found = {text: template_problems(text) for text in others}
        return {**plain, **found}

    return verdict


def template_problems(text: str) -> list[str]:
    """Why ``text`` is not a valid alert template, in Go's words ([] when it parses)."""
    blocks: list[tuple[str, set[str]]] = [("", set(ALERT_VARIABLES))]
    try:
        for action in _actions(text):
            _check_action(action, blocks)
    except _TemplateError as error:
        return [str(error)]
    return [f"unexpected EOF: {{{{{blocks[-1][0]}}}}} has no {{{{end}}}}"] if len(blocks) > 1 else []


class _TemplateError(ValueError):
    pass


def _actions(text: str) -> Iterator[str]:
    """The inside of every ``{{ ... }}``, trim markers and comments removed."""
    position = 0
    while (start := text.find("{{", position)) >= 0:
        inner = start + 2
        if re.match(r"-\s", text[inner : inner + 2]):
            inner += 2
        if text.startswith("/*", inner):
            close = text.find("*/", inner)
            end = text.find("}}", close) if close >= 0 else -1
            if end < 0:
                raise _TemplateError("unclosed comment")
            position = end + 2
            continue
        end = _action_end(text, inner)
        yield re.sub(r"\s-$", "", text[inner:end])
        position = end + 2


def _action_end(text: str, inner: int) -> int:
    """Where the action starting at ``inner`` closes (strings in it may hold ``}}``)."""
    position = inner
    while position < len(text):
        if text.startswith("}}", position):
            return position
        match = TOKEN.match(text, position)
        token = match.group(0)
        if token[0] in "\"'" and (len(token) < 2 or token[-1] != token[0]):
            raise _TemplateError("unterminated quoted string")
        position = match.end()
    raise _TemplateError("unclosed action")


def _check_action(action: str, blocks: list[tuple[str, set[str]]]) -> None:
    """Check one action against the open blocks (keyword, variables declared in it), updating them."""
    tokens = [t for t in TOKEN.findall(action) if not t.isspace()]
    if not tokens:
        raise _TemplateError("missing value for command")
    keyword = tokens[0]
    open_keywords = [opened for opened, _ in blocks[1:]]
    if keyword == "else" and (not open_keywords or open_keywords[-1] not in ("if", "range", "with")):
        raise _TemplateError("unexpected {{else}}")
    if keyword == "end":
        if not open_keywords:
            raise _TemplateError("unexpected {{end}}")
        blocks.pop()
    if keyword in ("break", "continue") and "range" not in open_keywords:
        raise _TemplateError(f"{{{{{keyword}}}}} outside {{{{range}}}}")
    if keyword in OPENS_BLOCK:
        blocks.append((keyword, set()))
    guarded = tokens[1:] if keyword == "else" else tokens
    if guarded and guarded[0] in ("if", "range", "with") and len(guarded) == 1:
        raise _TemplateError(f"missing value for {guarded[0]}")
    declared = next((i for i, token in enumerate(tokens) if token in (":=", "=")), 0)
    depth = 0
    for index, token in enumerate(tokens):
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth < 0:
            raise _TemplateError("unexpected right paren")
        if token.startswith("$"):
            variable = token.split(".")[0]
            if index < declared:
                blocks[-1][1].add(variable)
            elif not any(variable in names for _, names in blocks):
                raise _TemplateError(f'undefined variable "{variable}"')
        elif index == 0 and token in OPENS_BLOCK | {"else", "end", "template", "break", "continue"}:
            continue
        elif (token[0].isalpha() or token[0] == "_") and token not in FUNCTIONS | CONSTANTS | OPENS_BLOCK:
            raise _TemplateError(f'function "{token}" not defined')
    if depth:
        raise _TemplateError("unclosed left paren")


def start_promtool(templates: Sequence[str]) -> Callable[[], dict[str, list[str]] | None] | None:
    """Start ``promtool check rules`` on ``templates`` (None without promtool); the function returned waits
    for it and gives what it says about each template (None when its answer cannot be read)."""
    import shutil  # here: linting plain templates never starts a process
    import subprocess
    import tempfile

    promtool = shutil.which("promtool")
    if promtool is None:
        return None
    rules = [
        {"alert": f"T{i}", "expr": "vector(1)", "annotations": {"t": text}}
        for i, text in enumerate(templates)
    ]
    folder = tempfile.TemporaryDirectory(prefix="toolkit-lint-")
    path = Path(folder.name) / "templates.yml"
    path.write_text(json.dumps({"groups": [{"name": "templates", "rules": rules}]}, ensure_ascii=False))
    try:
        process = subprocess.Popen(
            [promtool, "check", "rules", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=PROMTOOL_ENV | dict(os.environ),
        )
    except OSError:
        folder.cleanup()
        return None

    def answer() -> dict[str, list[str]] | None:
        try:
            stdout, stderr = process.communicate(timeout=PROMTOOL_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return None
        finally:
            folder.cleanup()
        return _promtool_verdict(templates, stdout + stderr, process.returncode)

    return answer


def _promtool_verdict(templates: Sequence[str], output: str, code: int) -> dict[str, list[str]] | None:
    found: dict[str, list[str]] = {text: [] for text in templates}
    for line in output.splitlines():
        match = PROMTOOL_PROBLEM.search(line)
        if match:
            rule, line_no, message = int(match.group(1)), match.group(2), match.group(3)
            where = f" (template line {line_no})" if "\n" in templates[rule - 1] else ""
            found[templates[rule - 1]].append(message + where)
    if code != 0 and not any(found.values()):
        return None
    return found
