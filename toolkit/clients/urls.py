"""Secrets in URLs: finding the ones a URL carries, and showing a URL without them.

A URL carries a secret in its user-info (``https://user:password@host``), in a query parameter named
like a credential (``?token=``, ``&api_key=``), or in its path where a service puts the whole secret
there (a Slack incoming webhook, a Discord or Teams webhook, a Telegram bot token).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

SECRET_PARAMETERS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "auth",
        "key",
        "pass",
        "password",
        "pwd",
        "secret",
        "sig",
        "signature",
        "token",
    }
)
# Services whose webhook URL is the secret: host, path (its first group is what may be shown), what it is.
SECRET_PATHS = (
    (
        re.compile(r"(^|\.)hooks\.slack\.com$"),
        re.compile(r"^(/(services|workflows|triggers)/)."),
        "Slack webhook",
    ),
    (re.compile(r"(^|\.)discord(app)?\.com$"), re.compile(r"^(/api/webhooks/)."), "Discord webhook"),
    (
        re.compile(r"(^|\.)webhook\.office\.com$|^outlook\.office\.com$"),
        re.compile(r"^(/)webhook"),
        "Teams webhook",
    ),
    (re.compile(r"^api\.telegram\.org$"), re.compile(r"^(/)bot."), "Telegram bot token"),
)
HIDDEN = "***"


def _is_secret_parameter(name: str) -> bool:
    name = name.lower().replace("-", "_")
    return name in SECRET_PARAMETERS or name.endswith(("_token", "_key", "_secret", "_password"))


def url_secret(url: str) -> str:
    """What secret ``url`` carries, in a few words ('a password', 'a token in the query (token=)'); ''
    when it carries none."""
    parts = urlsplit(url)
    if parts.password is not None:
        return "a password"
    if parts.username:
        return "credentials before the host"
    named = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True) if _is_secret_parameter(name)]
    if named:
        return f"a secret in the query ({named[0]}=)"
    host = (parts.hostname or "").lower()
    for host_pattern, path_pattern, what in SECRET_PATHS:
        if host_pattern.search(host) and path_pattern.search(parts.path):
            return f"a secret in the path ({what} URLs are themselves the secret)"
    return ""


def redact_url(url: str) -> str:
    """``url`` as it may be shown: credentials, secret query values and secret webhook paths as ``***``."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username or parts.password is not None:
        netloc = f"{HIDDEN}@{netloc}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = parts.query
    if any(_is_secret_parameter(name) for name, _ in pairs):
        query = "&".join(f"{name}={HIDDEN if _is_secret_parameter(name) else value}" for name, value in pairs)
    path = parts.path
    host = (parts.hostname or "").lower()
    for host_pattern, path_pattern, _ in SECRET_PATHS:
        match = path_pattern.search(path) if host_pattern.search(host) else None
        if match:
            path = match.group(1) + HIDDEN
    return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))
