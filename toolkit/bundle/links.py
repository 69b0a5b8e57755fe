"""Old panel links and data-link variables, as DashboardMigrator.ts rewrites them.

Follows grafana/grafana public/app/features/dashboard/state/DashboardMigrator.ts: ``upgradePanelLink``
(schemaVersion 19), ``updateVariablesSyntax`` (20) and the ``__series.labels`` rename (21), with
``kbn.slugifyForUrl`` and ``urlUtil.appendQueryToUrl``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from toolkit.bundle.shape import mapping

KEEP_TIME = "$__url_time_range"
INCLUDE_VARS = "$__all_variables"
_OLD_NAMES = re.compile(r"(__series_name)|(\$__series_name)|(__value_time)|(__field_name)|(\$__field_name)")
_NEW_NAMES = ("__series.name", "${__series.name}", "__value.time", "__field.name", "${__field.name}")


def _slug(name: str) -> str:
    """``kbn.slugifyForUrl``: lower case, word characters and spaces only, spaces as dashes."""
    return re.sub(r" +", "-", re.sub(r"[^\w ]+", "", name.lower()))


def _append_query(url: str, query: str) -> str:
    """``urlUtil.appendQueryToUrl``."""
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"


def upgrade_panel_link(link: dict[str, Any]) -> dict[str, Any]:
    """A schemaVersion 19 panel link: ``dashboard``/``dashUri``, ``keepTime``, ``includeVars`` and
    ``params`` folded into the ``url``; only url, title and targetBlank remain."""
    url = link.get("url")
    if not url and link.get("dashboard"):
        url = f"dashboard/db/{_slug(str(link['dashboard']))}"
    if not url and link.get("dashUri"):
        url = f"dashboard/{link['dashUri']}"
    url = str(url or "/")
    if link.get("keepTime"):
        url = _append_query(url, KEEP_TIME)
    if link.get("includeVars"):
        url = _append_query(url, INCLUDE_VARS)
    if link.get("params"):
        url = _append_query(url, str(link["params"]))
    upgraded = {"url": url, "title": link.get("title"), "targetBlank": link.get("targetBlank")}
    return {k: v for k, v in upgraded.items() if v is not None}


def variables_syntax(text: str) -> str:
    """``updateVariablesSyntax`` (schemaVersion 20): ``__series_name`` is ``__series.name``, and so on."""
    return _OLD_NAMES.sub(lambda m: _NEW_NAMES[m.lastindex - 1], text)


def labels_syntax(text: str) -> str:
    """schemaVersion 21: ``__series.labels`` is ``__field.labels``."""
    return text.replace("__series.labels", "__field.labels")


def rewrite_data_links(panel: dict[str, Any], rewrite: Callable[[str], str], title: bool) -> None:
    """``rewrite`` applied to the urls of a panel's ``options.dataLinks`` and ``options.fieldOptions``
    default links (and to the default ``title`` when ``title``)."""
    options = panel.get("options") if isinstance(panel.get("options"), dict) else {}
    defaults = (
        mapping(options.get("fieldOptions")).get("defaults")
        if isinstance(options.get("fieldOptions"), dict)
        else None
    )
    groups = [options.get("dataLinks"), (defaults or {}).get("links") if isinstance(defaults, dict) else None]
    for links in groups:
        for link in links if isinstance(links, list) else []:
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                link["url"] = rewrite(link["url"])
    if title and isinstance(defaults, dict) and isinstance(defaults.get("title"), str):
        defaults["title"] = rewrite(defaults["title"])
