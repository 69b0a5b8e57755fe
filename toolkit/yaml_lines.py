"""Load YAML keeping the line of every mapping key and sequence item, so errors can point at them."""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return the data and a map from key path to 1-based line.

    Raises ``yaml.YAMLError`` for invalid YAML, as ``yaml.safe_load`` does.
    """
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _record(node, (), lines)
    return data, lines


def load_all_with_lines(text: str) -> list[tuple[Any, dict[Path_, int]]]:
    """Every document of a YAML stream (``---`` between them), each as :func:`load_with_lines` gives it.

    Raises ``yaml.YAMLError`` for invalid YAML.
    """
    loader = LOADER(text)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            lines: dict[Path_, int] = {}
            _record(node, (), lines)
            documents.append((loader.construct_document(node), lines))
    finally:
        loader.dispose()
    return documents


def _record(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _record(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, path + (index,), lines)


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of ``path``, or of its nearest ancestor that has one (0 when none does)."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 0)
