"""JSON to and from servers, every number as written: the one way the clients send and read JSON bodies.

niquests writes ``json=`` bodies and reads ``Response.json()`` with orjson when it is installed (it is:
the build uses it), and orjson holds integers to 64 bits: it refuses to write a larger one ("Integer
exceeds 64-bit range") and reads one as a float, rounded. JSON has no such limit, and Grafana keeps
such a number digit for digit (its decoder keeps number literals as written). So bodies are written by
the standard library's ``json`` and sent as ``data=`` bytes with their ``Content-Type``, through the
client's own session (its authentication, retries and timeouts), and JSON answers are read as ``json``
reads them (:func:`parse_json`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import niquests
import orjson

from toolkit.clients.errors import UnsendableError, client_error

JSON_CONTENT = {"Content-Type": "application/json"}
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
# 19 digits in a row: the shortest integer literal that may lie beyond 64 bits (-9223372036854775809)
_LONG_NUMBER = b"0" * 19


def json_request(body: Any) -> dict[str, Any]:
    """The request arguments that send ``body`` as JSON: ``data`` (UTF-8 bytes, as
    ``json.dumps(body, ensure_ascii=False, separators=(",", ":"))`` writes them) and ``headers``.

    NaN and the infinities, which JSON cannot carry (niquests' orjson would send ``null`` instead), raise
    :class:`UnsendableError` naming where they are; nothing is sent."""
    try:
        text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        found = _non_finite(body)
        if found is None:  # a circular reference: a bug, not the user's input
            raise
        path, value = found
        raise UnsendableError(
            f"{path} is {value}, which JSON cannot carry: give a finite number (nothing was sent)"
        ) from None
    return {"data": text.encode(), "headers": dict(JSON_CONTENT)}


def parse_json(content: bytes) -> Any:
    """``content`` as ``json.loads`` reads it (ValueError when it is not JSON).

    orjson reads it, 2-4x faster, unless it holds 19 digits in a row (an integer orjson may read as a
    rounded float; digits in a string count too, and are then read by ``json``) or orjson refuses it
    where ``json`` does not (NaN, a lone surrogate, UTF-16); otherwise both give the same values."""
    if content.translate(_DIGITS_AS_ZERO).find(_LONG_NUMBER) < 0:
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return json.loads(content)


def read_json(answer: niquests.Response, server: str, what: str, secrets: Iterable[str]) -> Any:
    """The JSON body of ``answer`` (to ``what``, asked of ``server``), by :func:`parse_json`; an answer
    that is not JSON is a :class:`~toolkit.clients.errors.ClientError`."""
    try:
        return parse_json(answer.content or b"")
    except ValueError:
        raise client_error(server, f"{what}: the answer is not JSON", secrets) from None


def _non_finite(body: Any) -> tuple[str, float] | None:
    """Where the first NaN or infinity in ``body`` is (``dashboard.panels[2].fieldConfig.defaults.max``),
    and the value; None when there is none."""
    todo: list[tuple[str, Any]] = [("", body)]
    seen: set[int] = set()
    while todo:
        path, value = todo.pop()
        if isinstance(value, dict | list | tuple):
            if id(value) in seen:
                continue
            seen.add(id(value))
        if isinstance(value, dict):
            todo += reversed([(f"{path}.{key}" if path else str(key), item) for key, item in value.items()])
        elif isinstance(value, list | tuple):
            todo += reversed([(f"{path}[{index}]", item) for index, item in enumerate(value)])
        elif isinstance(value, float) and not math.isfinite(value):
            return path or "the body", value
    return None
