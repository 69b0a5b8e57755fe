"""Load YAML keeping the line of every mapping key and sequence item, so errors can point at them.

Bounded like Go's yaml.v3, which Prometheus uses: libyaml refuses nesting deeper than 1,000 levels, and a
document whose anchors and aliases expand to far more nodes than it holds (a "billion laughs" bomb) is
refused before anything walks the expansion. A key given twice in one mapping is an error, as in yaml.v3
(PyYAML would silently keep the last).

Plain mappings, sequences and strings (nearly all of a rule file) are built in the same walk that records
the lines, which costs a fraction of PyYAML's constructor; every other scalar (numbers, booleans, null,
timestamps, unknown tags) goes through PyYAML's safe constructor, and a document with anchors, merge keys,
complex keys or tagged collections is built by the constructor whole. The result is the same either way.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import yaml

Path_ = tuple[str | int, ...]
ALIAS_BUDGET = 100_000  # nodes aliases may add beyond the document's own (more when the document is larger)
STR, MAP, SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class YAMLLimitError(yaml.MarkedYAMLError):
    """A YAML document refused for its shape: excessive aliasing or a duplicate key."""


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's where installed) that remembers the tag it resolved for each short
    plain scalar: rule files repeat the same keys and values, and PyYAML tries its resolvers' patterns on
    every one anew. It takes no path resolvers (an experimental PyYAML feature nothing here uses)."""

    _tags: ClassVar[dict[str, str]] = {}
    REMEMBERED = 10_000  # scalars whose tags are kept at most (the keys and usual values of rule files)
    # libyaml's composer calls PyYAML's two path-resolver hooks for every node; this loader has no path
    # resolvers, so the hooks have nothing to do, and C functions do it without a Python frame each (7% of
    # a rule file's load): descend_resolver(parent, index) and ascend_resolver() return values nobody reads
    descend_resolver = staticmethod(operator.is_)
    ascend_resolver = staticmethod(tuple)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """The tag of a node, as PyYAML resolves it: a quoted or block scalar is a string, a plain one's tag
        depends on its text alone."""
        if kind is not yaml.ScalarNode:  # no path resolvers: a collection's tag is its kind's
            return MAP if kind is yaml.MappingNode else SEQ
        if not implicit[0]:
            return STR
        tag = self._tags.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= 64 and len(self._tags) < self.REMEMBERED:
                self._tags[value] = tag
        return tag


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return the data and a map from key path to 1-based line.

    Raises ``yaml.YAMLError`` for invalid YAML, as ``yaml.safe_load`` does, and :class:`YAMLLimitError`.
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        return _document(loader, node, "&" in text) if node is not None else (None, {})
    finally:
        loader.dispose()


def load_all_with_lines(text: str) -> list[tuple[Any, dict[Path_, int]]]:
    """Every document of a YAML stream (``---`` between them), each as :func:`load_with_lines` gives it.

    Raises ``yaml.YAMLError`` for invalid YAML and :class:`YAMLLimitError`.
    """
    loader = Loader(text)
    documents = []
    try:
        while loader.check_node():
            documents.append(_document(loader, loader.get_node(), "&" in text))
    finally:
        loader.dispose()
    return documents


class _Unusual(Exception):
    """A node the fast walk leaves to PyYAML's constructor (with the whole document)."""


def _document(loader: Any, root: yaml.Node, aliased: bool) -> tuple[Any, dict[Path_, int]]:
    """A composed document's data and the line of each key path."""
    lines: dict[Path_, int] = {}
    if not aliased:
        try:
            return _build(loader, root, lines), lines
        except _Unusual:
            lines.clear()
    _record(root, lines, aliased)
    return loader.construct_document(root), lines


def _build(loader: Any, root: yaml.Node, lines: dict[Path_, int]) -> Any:
    """The data of a document without anchors, its lines recorded as :func:`_record` does."""
    data = _value(loader, root)
    lines[()] = root.start_mark.line + 1
    pending: list[tuple[yaml.Node, Any, Path_]] = [(root, data, ())]
    while pending:
        node, target, path = pending.pop()
        if type(node) is yaml.MappingNode:
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
                    raise _Unusual
                key, line = key_node.value, key_node.start_mark.line + 1
                if key in seen:
                    raise YAMLLimitError(
                        problem=f'mapping key "{key}" already defined at line {seen[key]}',
                        problem_mark=key_node.start_mark,
                    )
                seen[key] = lines[path + (key,)] = line
                value = _value(loader, value_node)
                target[key if key_node.tag == STR else loader.construct_object(key_node)] = value
                if type(value_node) is not yaml.ScalarNode:
                    pending.append((value_node, value, path + (key,)))
        elif type(node) is yaml.SequenceNode:
            for index, item in enumerate(node.value):
                lines[path + (index,)] = item.start_mark.line + 1
                value = _value(loader, item)
                target.append(value)
                if type(item) is not yaml.ScalarNode:
                    pending.append((item, value, path + (index,)))
    return data


def _value(loader: Any, node: yaml.Node) -> Any:
    """A string, an empty container to fill, or any other scalar as the constructor makes it."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.value if node.tag == STR else loader.construct_object(node)
    if kind is yaml.MappingNode and node.tag == MAP:
        return {}
    if kind is yaml.SequenceNode and node.tag == SEQ:
        return []
    raise _Unusual


def _children(node: yaml.Node) -> list[tuple[Any, yaml.Node, yaml.Node | None]]:
    """(key, value node, key node) of a mapping's entries or a sequence's items."""
    if isinstance(node, yaml.MappingNode):
        return [
            (key.value if isinstance(key, yaml.ScalarNode) else str(key.value), value, key)
            for key, value in node.value
        ]
    if isinstance(node, yaml.SequenceNode):
        return [(index, item, None) for index, item in enumerate(node.value)]
    return []


def _check_size(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand to many more nodes than it holds (counted without expanding)."""
    expanded: dict[int, int] = {}
    order: list[yaml.Node] = []
    pending, seen = [root], set()
    while pending:  # every distinct node once, parents before children
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        for _, child, _ in _children(node):
            pending.append(child)
    for node in reversed(order):  # children first: a node's expanded size is one plus its children's
        expanded[id(node)] = 1 + sum(expanded.get(id(child), 1) for _, child, _ in _children(node))
    budget = ALIAS_BUDGET + len(order)
    total = expanded[id(root)]
    if total > len(order) + budget:
        raise YAMLLimitError(
            problem=f"document contains excessive aliasing: its anchors expand to {total:,} nodes from "
            f"{len(order):,} (the limit is {len(order) + budget:,})",
            problem_mark=root.start_mark,
        )


def _record(root: yaml.Node, lines: dict[Path_, int], aliased: bool = True) -> None:
    if aliased:
        _check_size(root)
    pending: list[tuple[yaml.Node, Path_]] = [(root, ())]
    while pending:
        node, path = pending.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    raise YAMLLimitError(
                        problem=f'mapping key "{key}" already defined at line {seen[key]}',
                        problem_mark=key_node.start_mark,
                    )
                seen[key] = lines[path + (key,)] = line
                pending.append((value, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((item, path + (index,)) for index, item in enumerate(node.value))


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of ``path``, or of its nearest ancestor that has one (0 when none does)."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 0)


_KEPT = 32  # blocks field_line keeps, and tokens' occurrences token_position keeps: the one used last longest
_INDEX_AFTER = 8  # fields looked for in a block before its lines are indexed, and occurrences of a token
# the run of text before a colon that a key can end with: no space, quote, colon, brace or comma in it (the
# patterns are compiled on first use, re caches them: only a block with many fields asked for needs them)
_KEY_TAIL = r"""(?<![^\s"':{,])([^\s"':{,]++)["']?\s*:"""
_FIELD_TAIL = r"""[^\s"':{,]+\Z"""
_blocks: dict[tuple[int, int], _Block] = {}  # by (id of the lines, the block's first line)
_tokens: dict[tuple[int, int, str], _Occurrences] = {}  # by (id of the lines, the key's line, the token)
if TYPE_CHECKING:  # not made at run time: a bound given as text is compiled when the module loads
    K = TypeVar("K")
    V = TypeVar("V", bound="_Block | _Occurrences")


def field_line(lines: tuple[str, ...], item_line: int, field: str) -> int:
    """The line (1-based) of ``field:`` in the block mapping that starts at ``item_line`` (a sequence item
    such as a rule), 0 when it is not found there: the first line of the block where ``field`` is written
    as a key (also inside a flow mapping or a value, as text).

    The blocks looked at last are kept with what was learnt of them (see :class:`_Block`), so the findings
    about one rule cost one pass over its lines, not one each."""
    if not 1 <= item_line <= len(lines):
        return 0
    return _kept(_blocks, (id(lines), item_line), lines, _Block, item_line).line_of(field)


def _kept(kept: dict[K, V], place: K, lines: tuple[str, ...], make: Callable[..., V], *args: Any) -> V:
    """What ``kept`` holds for ``place`` when it was made for these ``lines``, else ``make(lines, *args)``,
    kept in its place; the one used last is kept longest, ``_KEPT`` at most."""
    value = kept.pop(place, None)
    if value is None or value.lines is not lines:
        value = make(lines, *args)
        if len(kept) >= _KEPT:
            del kept[next(iter(kept))]
    kept[place] = value
    return value


class _Block:
    """One block mapping of a file's lines (a rule), read lazily as far as the fields asked for so far need.

    Once more than a few fields have been asked for, the lines read are indexed by the run of text each
    colon ends (``_KEY_TAIL``): a field that ends such a run is then looked for only on the lines where its
    own run ends one, so thousands of fields of one rule cost one pass over its lines, not one each."""

    __slots__ = ("asked", "done", "first", "found", "indent", "lines", "read", "tails")

    def __init__(self, lines: tuple[str, ...], item_line: int) -> None:
        self.lines = lines
        self.first = self.read = item_line  # the block's first line; the next line to read
        head = lines[item_line - 1]
        self.indent = len(head) - len(head.lstrip(" -"))
        self.done = False  # every line of the block read
        self.asked = 0
        self.tails: dict[str, list[int]] | None = None
        self.found: dict[str, int] = {}

    def line_of(self, field: str) -> int:
        """The line of ``field`` in this block (see :func:`field_line`), 0 when it is not there."""
        number = self.found.get(field)
        if number is not None:
            return number
        key = _key(field)
        self.asked += 1
        if self.tails is None and self.asked > _INDEX_AFTER:
            self.tails = {}
            for read in range(self.first, self.read):
                self._index(self.tails, read)
        lines, tails, number = self.lines, self.tails, 0
        tail = re.search(_FIELD_TAIL, field) if tails is not None else None
        seen = tails.get(tail.group(), ()) if tails is not None and tail else range(self.first, self.read)
        if seen:
            number = next((n for n in seen if field in lines[n - 1] and key.search(lines[n - 1])), 0)
        self.found[field] = number = number or self._read_to(field, key)
        return number

    def _read_to(self, field: str, key: re.Pattern[str]) -> int:
        """Read on to the first line where ``field`` is a key; 0 at the end of the block."""
        lines, indent = self.lines, self.indent
        while not self.done and self.read <= len(lines):
            number = self.read
            text = lines[number - 1]
            stripped = text.lstrip(" ")
            depth = len(text) - len(stripped)
            outside = depth < indent or (depth == indent - 2 and stripped[:1] == "-")
            if number > self.first and stripped and not stripped.startswith("#") and outside:
                break
            self.read += 1
            if self.tails is not None:
                self._index(self.tails, number)
            if field in text and key.search(text):
                return number
        self.done = True
        return 0

    def _index(self, tails: dict[str, list[int]], number: int) -> None:
        """List line ``number`` in ``tails`` under the run of text each of its colons ends."""
        text = self.lines[number - 1]
        if ":" in text:
            for match in re.finditer(_KEY_TAIL, text):
                tails.setdefault(match.group(1), []).append(number)


@lru_cache(maxsize=1024)
def _key(field: str) -> re.Pattern[str]:
    """``field`` written as a mapping key: after a space, brace or comma, maybe quoted, before a colon."""
    return re.compile(rf"""(?:^|[\s{{,])["']?{re.escape(field)}["']?\s*:""")


def token_position(lines: tuple[str, ...], key_line: int, token: str, nth: int = 0) -> tuple[int, int] | None:
    """Where the ``nth`` occurrence of ``token`` is in the value of the key on ``key_line`` (a scalar of
    any style: plain, quoted, or a literal or folded block): (line, 1-based column), None when not found.

    An occurrence past the first few is looked up in every occurrence of the token, listed once and kept
    for the tokens looked for last, so the findings about each of many occurrences of one token in an
    expression cost one pass over it, not one each."""
    if not token or not 1 <= key_line <= len(lines):
        return None
    if nth < _INDEX_AFTER:
        found = _occurrences(lines, key_line, token, nth + 1)
    else:
        found = _kept(_tokens, (id(lines), key_line, token), lines, _Occurrences, key_line, token).found
    return found[nth] if nth < len(found) else None


class _Occurrences:
    """Every occurrence of a token in a key's value (see :func:`_occurrences`)."""

    __slots__ = ("found", "lines")

    def __init__(self, lines: tuple[str, ...], key_line: int, token: str) -> None:
        self.lines = lines
        self.found = _occurrences(lines, key_line, token)


def _occurrences(lines: tuple[str, ...], key_line: int, token: str, most: int = 0) -> list[tuple[int, int]]:
    """The first ``most`` (0: every) ``token`` in the value of the key on ``key_line``, as (line, 1-based
    column)."""
    head = lines[key_line - 1]
    indent = len(head) - len(head.lstrip(" -"))
    start = head.find(":", indent) + 1
    found: list[tuple[int, int]] = []
    for number in range(key_line, len(lines) + 1):
        text = lines[number - 1]
        stripped = text.lstrip(" ")
        if number > key_line and stripped and len(text) - len(stripped) <= indent:
            break
        column = start if number == key_line else 0
        while (at := find_token(text, token, column)) >= 0:
            found.append((number, at + 1))
            if len(found) == most:
                return found
            column = at + len(token)
    return found


def find_token(text: str, token: str, start: int = 0) -> int:
    """The index of the first ``token`` in ``text`` at or after ``start`` that is not part of a longer
    name (``name`` is not found inside ``queue_name``, nor ``rate`` inside ``irate``); -1 when none is.
    In JSON text, an escape such as ``\\n`` before the token is a boundary."""
    while (found := text.find(token, start)) >= 0:
        end = found + len(token)
        escaped = found > 1 and text[found - 2] == "\\"
        glued_before = found > 0 and _name_char(token[0]) and _name_char(text[found - 1]) and not escaped
        glued_after = end < len(text) and _name_char(token[-1]) and _name_char(text[end])
        if not (glued_before or glued_after):
            return found
        start = found + 1
    return -1


def _name_char(char: str) -> bool:
    return char.isalnum() or char in "_:"
