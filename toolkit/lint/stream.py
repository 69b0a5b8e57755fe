"""Lint foreign files in worker processes, each reading and linting its share of the files a batch at a time:
a second CPU nearly halves the time, and memory stays flat however many files there are.

The files, in path order, are cut into one share per worker, of about equal bytes; each worker reads its
share in batches of about BATCH_BYTES, lints each batch and keeps only its sorted findings (in a temporary
file when its share has more than one batch). What a check needs to know about every file is traded once
every worker has read its share (:func:`toolkit.lint.parallel.trade`): each tells the names its recording
rules produce and where it first defines each rule, and gets back every share's recorded names and where an
earlier share first defined its rules (for ``rule/duplicate``). From batch to batch of a share, what the
whole-bundle checks keep in ``LintContext.shared`` carries over (rules seen). The sorted findings of every
batch are merged, each said once: the same for any number of workers and batch size.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path
from typing import NamedTuple

from toolkit.lint.context import split_evenly
from toolkit.lint.engine import lint_bundle, source_findings
from toolkit.lint.findings import Finding
from toolkit.lint.parallel import spare_cpus, trade
from toolkit.lint.rule_checks import DEFINED, definition_key
from toolkit.sources.files import FileBundle, FileReader, SourceError, expand_paths

BATCH_BYTES = 512 * 1024  # bytes of files read and linted at once (about 1,000 rules)
SHARE_BYTES = 96 * 1024  # bytes of files per worker process: with fewer, forking costs more than it saves


class Facts(NamedTuple):
    """What a share of the files tells the others (the names its recording rules produce, where it first
    defines each rule by :func:`toolkit.lint.rule_checks.definition_key`), or what it is told back (every
    share's recorded names, where an earlier share first defined its rules)."""

    recorded: frozenset[str]
    defined: dict[int, tuple[str, int]]


class _Run(NamedTuple):
    """What every share of one run is linted with."""

    origin: str
    only: tuple[str, ...]
    batch_bytes: int
    spools: Path | None  # the folder for findings kept on disk (None: every share is one batch)
    options: dict


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
    :func:`toolkit.lint.engine.lint_bundle` finds with ``options``. The files are split among ``jobs``
    worker processes (default: one per SHARE_BYTES of files, at most one per spare CPU:
    :func:`toolkit.lint.parallel.spare_cpus`), each reading and linting about ``batch_bytes`` (default
    BATCH_BYTES) at a time."""
    errors: list[SourceError] = []
    files = [(path, _size(path)) for path in expand_paths(paths, errors)]
    total = sum(size for _, size in files)
    workers = jobs or min(spare_cpus(), total // SHARE_BYTES + 1)
    shares = [share for share in split_evenly(files, workers, lambda file: file[1]) if share] or [()]
    limit = batch_bytes or BATCH_BYTES
    with _spool_folder(any(sum(size for _, size in share) > limit for share in shares)) as folder:
        run = _Run(", ".join(map(str, paths)), tuple(only), limit, Path(folder) if folder else None, options)
        tasks = [
            partial(_lint_share, n, share, errors if n == 0 else [], run) for n, share in enumerate(shares)
        ]
        found = [
            iter(batch) if isinstance(batch, list) else _replay(batch)
            for batches in trade(tasks, _known)
            for batch in batches
        ]
        yield from _once(heapq.merge(*found))


def _spool_folder(needed: bool) -> AbstractContextManager[str | None]:
    """A temporary folder for findings kept on disk, where ``needed``."""
    if not needed:
        return nullcontext()
    import tempfile  # here: only an input of more than one batch a share keeps findings on disk

    return tempfile.TemporaryDirectory(prefix="toolkit-lint-")


def _lint_share(
    n: int, files: Sequence[tuple[Path, int]], errors: list[SourceError], run: _Run
) -> Generator[Facts, Facts, list[list[Finding] | Path]]:
    """Read share ``n``'s ``files`` (with their sizes), yield its facts, get back what the others know, and lint them: each
    batch's sorted findings, or where they are kept."""
    batches = _cut(files, run.batch_bytes) or [[]]
    kept = _read(batches[0], run.origin) if len(batches) == 1 else None
    known = yield _facts([kept] if kept is not None else (_read(batch, run.origin) for batch in batches))
    shared: dict = {DEFINED: dict(known.defined)}
    results: list[list[Finding] | Path] = []
    for number, batch in enumerate(batches):
        loaded = kept if kept is not None else _read(batch, run.origin)
        found = _source([*(errors if number == 0 else ()), *loaded.errors], loaded.skipped, run.only)
        found += lint_bundle(
            loaded.bundle,
            is_project=False,
            only=run.only,
            jobs=1,
            recorded=known.recorded,
            shared=shared,
            **run.options,
        )
        found.sort()
        results.append(_spool(found, run.spools / f"{n}-{number}.pickle") if run.spools else found)
    return results


def _read(files: Iterable[Path], origin: str) -> FileBundle:
    reader = FileReader()
    for path in files:
        reader.read(path)
    return reader.result(origin)


def _facts(parts: Iterable[FileBundle]) -> Facts:
    recorded: set[str] = set()
    defined: dict[int, tuple[str, int]] = {}
    for part in parts:
        recorded.update(rule.name for _, rule in part.bundle.recording_rules())
        for group in part.bundle.rule_groups:
            for rule in group.rules:
                defined.setdefault(definition_key(rule), (rule.source.path, rule.source.line))
    return Facts(frozenset(recorded), defined)


def _known(facts: list[Facts]) -> list[Facts]:
    """What each share is told: every share's recorded names, and where an earlier share first defined each
    of its rules."""
    recorded = frozenset().union(*(share.recorded for share in facts))
    earlier: dict[int, tuple[str, int]] = {}
    known = []
    for share in facts:
        defined = {key: earlier[key] for key in share.defined if key in earlier}
        known.append(Facts(recorded, defined))
        for key, where in share.defined.items():
            earlier.setdefault(key, where)
    return known


def _spool(found: list[Finding], path: Path) -> Path:
    import pickle

    with path.open("wb") as out:
        for finding in found:
            pickle.dump(finding, out, pickle.HIGHEST_PROTOCOL)
    return path


def _replay(spool: Path) -> Iterator[Finding]:
    import pickle

    with spool.open("rb") as spooled:
        while True:
            try:
                yield pickle.load(spooled)
            except EOFError:
                return


def _once(findings: Iterable[Finding]) -> Iterator[Finding]:
    """``findings`` (sorted) without repeats: each share says a finding about the settings, one is kept."""
    previous = None
    for finding in findings:
        if finding != previous:
            yield finding
        previous = finding


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it says why


def _cut(files: Sequence[tuple[Path, int]], limit: int) -> list[list[Path]]:
    """The paths of ``files`` (with their sizes) in order, in runs of at most ``limit`` bytes (a larger file
    alone)."""
    runs: list[list[Path]] = []
    total = 0
    for path, size in files:
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
