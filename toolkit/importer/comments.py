"""The comments of a YAML rule file, each given to the group or rule it documents.

PyYAML drops comments, so they are read from the text: a ``#`` outside quotes that starts the line or
follows a blank, never inside a block scalar (``expr: |``), where ``#`` is content (a PromQL comment).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

BLOCK_SCALAR = re.compile(r"(?:^|[:\s-])[|>][-+0-9]*\s*$")
VALUE_START = ":-[{,"


def comment_start(line: str) -> int:
    """The index of the ``#`` that starts the line's comment, or -1 (``#`` inside quotes is text)."""
    if "#" not in line:
        return -1
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"" and (line[:index].rstrip()[-1:] in VALUE_START or not line[:index].strip()):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        index += 1
    return -1


def _text(line: str, start: int) -> str:
    """The comment from ``start`` as a Python comment: verbatim, after '# ' as formatters want it."""
    body = line[start + 1 :].rstrip()
    return "#" if not body.strip() else "# " + (body[1:] if body.startswith(" ") else body)


@dataclass
class FileComments:
    """Comments by the line of the group or rule they belong to; ``header`` holds those before any."""

    header: list[str] = field(default_factory=list)
    by_line: dict[int, list[str]] = field(default_factory=dict)


def file_comments(lines: Sequence[str], anchors: Sequence[int]) -> FileComments:
    """Give every comment of ``lines`` to one of ``anchors`` (1-based lines where groups and rules start):
    comments on or right above an anchor's line to it, others to the group or rule whose lines hold them,
    comments before the first anchor's span to ``header``."""
    ordered = sorted(set(anchors))
    found = FileComments()
    block_indent = -1
    pending: list[str] = []
    for number, line in enumerate(lines, start=1):
        indent = len(line) - len(line.lstrip())
        if block_indent >= 0:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = -1
        start = comment_start(line)
        content = line[:start] if start >= 0 else line
        if not content.strip():
            if start >= 0:
                pending.append(_text(line, start))
            continue
        if ":" in content and BLOCK_SCALAR.search(content.rstrip()):
            block_indent = indent
        if start >= 0:
            pending.append(_text(line, start))
        if pending:
            _give(found, ordered, number, pending)
            pending = []
    if pending:
        _give(found, ordered, len(lines), pending)
    return found


def _give(found: FileComments, anchors: list[int], number: int, comments: list[str]) -> None:
    """``comments`` to the anchor at or before line ``number`` (to the header before the first)."""
    position = bisect.bisect_right(anchors, number) - 1
    if position < 0:
        found.header.extend(comments)
    else:
        found.by_line.setdefault(anchors[position], []).extend(comments)
