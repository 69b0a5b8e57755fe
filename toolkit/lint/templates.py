"""Alert label and annotation templates as Prometheus 3 loads a rule file: does each parse?

Prometheus (model/rulefmt: testTemplateParsing) parses each label and annotation value of an alerting rule as
the Go text/template :data:`ALERT_DEFINITIONS` + value, named ``__alert_<alert name>``, with the functions of
its template expander (template/template.go: NewTemplateExpander) and Go's builtins; a template that does not
parse makes it refuse the file. :func:`template_problem` decides the same with the port of Go's parser in
:mod:`toolkit.lint.gotemplate`, in this process (no promtool).
"""

from __future__ import annotations

import re
from functools import lru_cache

# The variables Prometheus declares before the text (model/rulefmt/rulefmt.go, testTemplateParsing)
ALERT_DEFINITIONS = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
# declared by those actions: the text is parsed as if they preceded it (parsing them too took half the time)
ALERT_VARIABLES = tuple(re.findall(r"\$\w+", ALERT_DEFINITIONS))
# prometheus/template/template.go, NewTemplateExpander's function map in Prometheus 3 ("tmpl" is added for
# consoles only, not to alert templates); Prometheus 2.42 (promtool here) lacks toDuration and now (added by
# prometheus/prometheus#16619) and urlQueryEscape (#17404)
PROMETHEUS_FUNCTIONS = (
    "query first label value strvalue args reReplaceAll safeHtml match title toUpper toLower graphLink tableLink "
    "sortByLabel stripPort stripDomain humanize humanize1024 humanizeDuration humanizePercentage "
    "humanizeTimestamp toTime toDuration now pathPrefix externalURL parseDuration urlQueryEscape"
)
# Go's text/template builtins (funcs.go, Go 1.18 and later)
GO_BUILTINS = "and call html index slice js len not or print printf println urlquery eq ge gt le lt ne"
FUNCTIONS = frozenset(f"{PROMETHEUS_FUNCTIONS} {GO_BUILTINS}".split())

_S = r"[ \t\r\n]"  # Go's spaces in an action
_SUBSTITUTED = r"(?:\$(?:labels|value|externalLabels|externalURL)|\.Labels|\.Value)(?:\.[A-Za-z0-9_]+)?"
_FORMAT = rf"""printf{_S}+(?:"[^"\\\n]*"|`[^`]*`)"""  # a string Go reads as it stands (no escapes)
_FILTER = r"humanize|humanize1024|humanizeDuration|humanizePercentage|humanizeTimestamp|toUpper|toLower|title"
PLAIN_ACTION = re.compile(  # a label or the value, maybe formatted by printf, through the usual filters
    rf"\{{\{{(?:-{_S})?{_S}*(?:{_FORMAT}{_S}+{_SUBSTITUTED}|{_SUBSTITUTED}(?:{_S}*\|{_S}*{_FORMAT})?)"
    rf"(?:{_S}*\|{_S}*(?:{_FILTER}|stripPort|stripDomain)(?![A-Za-z0-9_]))*(?:{_S}*{_S}-|{_S}*)\}}\}}"
)


def is_plain(text: str) -> bool:
    """True when every action in ``text`` is a plain substitution of a label or the value (valid by
    construction, so it needs no parse)."""
    rest = PLAIN_ACTION.sub("", text)
    return "{{" not in rest and "}}" not in rest


def template_problem(text: str, alert: str) -> str | None:
    """Why Prometheus 3 refuses ``text`` as a label or annotation template of the alert named ``alert``, in
    Go's words (with the template's line when it has several); None when it parses."""
    if "{{" not in text or is_plain(text):
        return None
    return _parsed(text, alert)


@lru_cache(maxsize=4096)
def _parsed(text: str, alert: str) -> str | None:
    # here: a run whose templates are all plain substitutions never loads the parser
    from toolkit.lint.gotemplate import TemplateSyntaxError, parse

    try:
        parse(text, f"__alert_{alert}", FUNCTIONS, ALERT_VARIABLES)
    except TemplateSyntaxError as error:
        return error.message + (f" (template line {error.line})" if "\n" in text else "")
    return None
