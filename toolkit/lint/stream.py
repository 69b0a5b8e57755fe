"""Lint foreign files a batch at a time, so memory stays flat however many files there are.

Files are cut, in path order, into batches of about BATCH_BYTES; each batch is read, linted and dropped,
and only its findings are kept. What a check needs from every file carries from batch to batch: the names
recording rules produce (read ahead without building the rules, when there is more than one batch), and what
the whole-bundle checks keep in ``LintContext.shared`` (rules seen, templates judged). The findings are the
same for any batch size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import yaml

from toolkit.lint.engine import lint_bundle, source_findings
from toolkit.lint.findings import Finding
from toolkit.sources.files import DASHBOARD_SUFFIXES, FileReader, SourceError, expand_paths, read_into
from toolkit.sources.yaml_lines import LOADER

BATCH_BYTES = 512 * 1024  # bytes of files read and linted at once (about 1,000 rules)


def lint_paths(
    paths: Sequence[Path],
    *,
    only: Iterable[str] = (),
    jobs: int | None = None,
    batch_bytes: int | None = None,
    **options: object,
) -> Iterator[Finding]:
    """Every finding about the files under ``paths``, sorted, as they come: what reading them found (a file
    that cannot be read is always said, whatever ``only`` asks) and what
    :func:`toolkit.lint.engine.lint_bundle` finds with ``options``, the files read and linted about
    ``batch_bytes`` (default BATCH_BYTES) at a time (``jobs``: lint_bundle's). With more than one batch,
    each batch's findings wait, sorted, in a temporary file, and the files are merged."""
    only = tuple(only)
    errors: list[SourceError] = []
    files = expand_paths(paths, errors)
    batches = _cut(files, batch_bytes or BATCH_BYTES) or [[]]
    recorded = None
    if len(batches) > 1:
        recorded = frozenset(name for path in files for name in recorded_names(path))
    shared: dict = {}
    origin = ", ".join(map(str, paths))

    def lint(n: int) -> list[Finding]:
        reader = FileReader()
        for path in batches[n]:
            read_into(reader, path)
        loaded = reader.result(origin)
        found = _source((errors if n == 0 else []) + loaded.errors, loaded.skipped, only)
        found += lint_bundle(
            loaded.bundle, is_project=False, only=only, jobs=jobs, recorded=recorded, shared=shared, **options
        )
        return sorted(found)

    if len(batches) == 1:
        yield from lint(0)
        return
    import heapq  # here: only an input of more than one batch spools its findings
    import pickle
    import tempfile

    with tempfile.TemporaryDirectory(prefix="toolkit-lint-") as folder:
        spools = []
        for n in range(len(batches)):
            spools.append(Path(folder) / f"{n}.pickle")
            with spools[-1].open("wb") as out:
                for finding in lint(n):
                    pickle.dump(finding, out, pickle.HIGHEST_PROTOCOL)
        yield from heapq.merge(*(_replay(spool) for spool in spools))


def _replay(spool: Path) -> Iterator[Finding]:
    import pickle

    with spool.open("rb") as spooled:
        while True:
            try:
                yield pickle.load(spooled)
            except EOFError:
                return


def _cut(files: Sequence[Path], limit: int) -> list[list[Path]]:
    """``files`` in order, in runs of at most ``limit`` bytes (a larger file alone)."""
    runs: list[list[Path]] = []
    total = 0
    for path in files:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # reading it says why
        if not runs or (total + size > limit and runs[-1]):
            runs.append([])
            total = 0
        runs[-1].append(path)
        total += size
    return runs


def _source(errors: list[SourceError], skipped: list[SourceError], only: tuple[str, ...]) -> list[Finding]:
    return [
        finding
        for finding in source_findings(errors, skipped)
        if not only or finding.check in (*only, "source/read")
    ]


def recorded_names(path: Path) -> list[str]:
    """The ``record:`` names of the rules in a rule file (plain or PrometheusRule manifests), read from the
    composed YAML without building the rules; [] for a dashboard, or a file that is not YAML or cannot be
    read."""
    if path.suffix in DASHBOARD_SUFFIXES:
        return []
    try:
        loader = LOADER(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []
    names: list[str] = []
    try:
        while loader.check_node():
            document = loader.get_node()
            kind = _value(document, "kind")
            if kind is not None:
                if not isinstance(kind, yaml.ScalarNode) or kind.value != "PrometheusRule":
                    continue
                document = _value(document, "spec")
            for group in _items(_value(document, "groups")):
                for rule in _items(_value(group, "rules")):
                    record = _value(rule, "record")
                    if isinstance(record, yaml.ScalarNode) and record.value:
                        names.append(record.value)
    except yaml.YAMLError:
        pass  # reading the file says what is wrong with it
    finally:
        loader.dispose()
    return names


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(
        (value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key), None
    )


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return node.value if isinstance(node, yaml.SequenceNode) else []
