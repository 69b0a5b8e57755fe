"""Grafana dashboard JSON to a dashboard module that uses the panel helpers where they fit.

Accepted: a bare dashboard, the API envelope ``{dashboard, meta}``, and "export for sharing" (its
``__inputs`` datasources become the ``${datasource}`` variable). Every form goes through the one dashboard
normalizer (:mod:`toolkit.bundle.dashboards`), so old dashboards are migrated the way Grafana migrates
them (``rows`` on the 24-column grid, ``graph`` as ``timeseries``, ``singlestat`` as ``stat`` or
``gauge``, ``table-old`` as ``table``) and what it could not carry is listed in the notes. The module
itself is written by :mod:`toolkit.importer.dashboard_module`: helpers first, what they do not model as
``extra=`` JSON, other plugins as ``raw_panel``, and whatever is still not carried listed with the reason.
"""

from __future__ import annotations

import re
from typing import Any

from toolkit.bundle.dashboards import normalize_dashboard, unwrap
from toolkit.importer.dashboard_module import default_waivers, module_for
from toolkit.importer.pysource import ImportedModule, module_name
from toolkit.locations import SourceLocation
from toolkit.settings import Settings
from toolkit.sources.files import SourceError, dashboard_json

GRAFANA_UID = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")


def read_dashboard(text: str, path: str) -> dict[str, Any]:
    """The dashboard in ``text``, unwrapped from the API envelope; :func:`import_dashboard` normalizes it."""
    return unwrap(dashboard_json(text, path))[0]


def dashboard_module_name(board: dict[str, Any]) -> str:
    """A module name for ``board``: from its title, else its uid."""
    return module_name(str(board.get("title") or board.get("uid") or ""), "dashboard")


def import_dashboard(
    board: dict[str, Any], name: str, origin: str, settings: Settings, folder: str = ""
) -> ImportedModule:
    """The module source for ``board`` (already read), named ``name``; ``origin`` names where it came from
    and ``folder`` the Grafana folder uid it lives in ('' for the settings' folder).

    A uid Grafana would refuse (``^[a-zA-Z0-9_-]{1,40}$``) is refused here; a missing uid becomes ``name``.
    """
    uid = board.get("uid") or name
    if not isinstance(uid, str) or not GRAFANA_UID.match(uid):
        raise SourceError(
            f"dashboard uid {uid!r} is not one Grafana accepts: use 1 to 40 letters, digits, '-' or '_'",
            SourceLocation(origin, 1) if "://" not in origin else None,
        )
    normalized = normalize_dashboard(board)
    module = module_for(normalized.data, name, origin, settings, default_waivers, folder or normalized.folder)
    module.notes[:0] = [f"not carried: {note}" for note in normalized.notes]
    return module
