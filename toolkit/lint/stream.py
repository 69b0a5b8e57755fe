"""Lint foreign files in worker processes, each reading and linting its share of the files a batch at a time:
a second CPU nearly halves the time, and memory stays flat however many files there are.

The files, in path order, are cut into small pieces of about PIECE_BYTES; each worker takes the next piece
from a queue as soon as it has read the one before, so a worker on a faster or less busy CPU takes more (the
CPUs of a machine need not be equally fast: a virtual machine's may differ by half). A worker keeps what it
reads in batches of about BATCH_BYTES, lints each batch and keeps only its sorted findings (in a temporary
file when its share has more than one batch). What a check needs to know about every file is traded once
every worker has read its share (:func:`toolkit.lint.parallel.trade`): each tells the names its recording
rules produce and where it first defines each rule, and gets back every share's recorded names and, for each
rule it defines, the first definition in path order when another share holds it (for ``rule/duplicate``).
From batch to batch of a share, what the whole-bundle checks keep in ``LintContext.shared`` carries over
(rules seen). The sorted findings of every batch are merged, each said once: the same for any number of
workers, any way the pieces fall to them and any batch size.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from functools import partial
from pathlib import Path
from typing import NamedTuple

from toolkit.lint.engine import lint_bundle, source_findings
from toolkit.lint.findings import Finding
from toolkit.lint.parallel import spare_cpus, trade
from toolkit.lint.rule_checks import DEFINED, definition_key
from toolkit.sources.files import FileBundle, FileReader, SourceError, expand_paths

BATCH_BYTES = 512 * 1024  # bytes of files read and linted at once (about 1,000 rules)
SHARE_BYTES = 96 * 1024  # bytes of files per worker process: with fewer, forking costs more than it saves
PIECE_BYTES = 16 * 1024  # bytes of files a worker takes from the queue at once
MAX_PIECES = 2000  # about as many pieces at most (larger ones beyond): the queue's pipe holds 2 bytes a piece


class Facts(NamedTuple):
    """What a share of the files tells the others (the names its recording rules produce; where it first
    defines each rule by :func:`toolkit.lint.rule_checks.definition_key`, as the file's place in path order,
    its path and the line), or what it is told back (every share's recorded names; for each rule it defines
    whose first definition in path order another share holds, that one's path and line)."""

    recorded: frozenset[str]
    defined: dict[int, tuple]


class _Run(NamedTuple):
    """What every share of one run is linted with."""

    origin: str
    only: tuple[str, ...]
    batch_bytes: int
    spools: Path | None  # the folder for findings kept on disk (None: the input is one batch)
    options: dict
    pieces: tuple[tuple[tuple[Path, int], ...], ...]  # the files (with their sizes) of each piece, in order
    queue: int  # the reading end of the pipe that hands out the pieces' numbers
    order: dict[str, int]  # each file's place in path order, by its path


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
    :func:`toolkit.lint.engine.lint_bundle` finds with ``options``. The files are shared among ``jobs``
    worker processes (default: one per SHARE_BYTES of files, at most one per spare CPU:
    :func:`toolkit.lint.parallel.spare_cpus`), each taking pieces of them as it goes and linting about
    ``batch_bytes`` (default BATCH_BYTES) at a time."""
    errors: list[SourceError] = []
    files = [(path, _size(path)) for path in expand_paths(paths, errors)]
    total = sum(size for _, size in files)
    workers = jobs or min(spare_cpus(), total // SHARE_BYTES + 1)
    limit = batch_bytes or BATCH_BYTES
    pieces = tuple(map(tuple, _cut(files, max(PIECE_BYTES, total // MAX_PIECES + 1)))) or ((),)
    with ExitStack() as stack:
        folder = stack.enter_context(_spool_folder(total > limit))
        queue = stack.enter_context(_queue(len(pieces)))
        order = {str(path): number for number, (path, _) in enumerate(files)}
        run = _Run(
            ", ".join(map(str, paths)),
            tuple(only),
            limit,
            Path(folder) if folder else None,
            options,
            pieces,
            queue,
            order,
        )
        tasks = [partial(_lint_share, n, errors if n == 0 else [], run) for n in range(workers)]
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
    import tempfile  # here: only an input of more than one batch keeps findings on disk

    return tempfile.TemporaryDirectory(prefix="toolkit-lint-")


@contextmanager
def _queue(count: int) -> Iterator[int]:
    """The reading end of a pipe holding the numbers 0 .. ``count`` - 1, two bytes each, its writing end
    closed: shared by the workers forked while it is open, it hands each number to one of them (a read of two
    bytes from a pipe is never split)."""
    read, write = os.pipe()
    try:
        try:
            os.write(write, b"".join(number.to_bytes(2, "big") for number in range(count)))
        finally:
            os.close(write)
        yield read
    finally:
        os.close(read)


def _take(queue: int) -> int | None:
    """The next piece's number from the queue, None when every piece is taken."""
    taken = os.read(queue, 2)
    return int.from_bytes(taken, "big") if taken else None


def _lint_share(
    n: int, errors: list[SourceError], run: _Run
) -> Generator[Facts, Facts, list[list[Finding] | Path]]:
    """Take pieces from the queue while reading them, yield this share's facts, get back what the others know,
    and lint the share: each batch's sorted findings, or where they are kept."""
    taken: list[tuple[Path, int]] = []
    recorded: set[str] = set()  # the share's facts, gathered as the pieces are read
    defined: dict[int, tuple] = {}
    reader, held, kept = FileReader(), 0, True
    while (piece := _take(run.queue)) is not None:
        for path, size in run.pieces[piece]:
            reader.read(path)
            taken.append((path, size))
            held += size
        if held > run.batch_bytes:
            # more than one batch: let it go once its facts are noted; the share is read again, a batch at a
            # time, to be linted
            _add_facts(recorded, defined, reader.result(run.origin), run.order)
            reader, held, kept = FileReader(), 0, False
    last = reader.result(run.origin)
    _add_facts(recorded, defined, last, run.order)
    known = yield Facts(frozenset(recorded), defined)
    shared: dict = {DEFINED: dict(known.defined)}
    batches = [taken] if kept else _cut(taken, run.batch_bytes)
    results: list[list[Finding] | Path] = []
    for number, batch in enumerate(batches):
        loaded = last if kept else _read([path for path, _ in batch], run.origin)
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


def _add_facts(
    recorded: set[str], defined: dict[int, tuple], part: FileBundle, order: dict[str, int]
) -> None:
    """Add what ``part`` (read after the files already counted) tells: the names its recording rules produce
    to ``recorded``, and to ``defined`` where it first defines each rule not defined before (the file's place
    in path order, its path and the line)."""
    recorded.update(rule.name for _, rule in part.bundle.recording_rules())
    for group in part.bundle.rule_groups:
        for rule in group.rules:
            where = (order[rule.source.path], rule.source.path, rule.source.line)
            defined.setdefault(definition_key(rule), where)


def _known(facts: list[Facts]) -> list[Facts]:
    """What each share is told: every share's recorded names, and for each rule it defines whose first
    definition in path order another share holds, that one's path and line."""
    recorded = frozenset().union(*(share.recorded for share in facts))
    first: dict[int, tuple] = {}
    for share in facts:
        for key, where in share.defined.items():
            if key not in first or where < first[key]:
                first[key] = where
    return [
        Facts(recorded, {key: first[key][1:] for key, where in share.defined.items() if first[key] < where})
        for share in facts
    ]


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


def _cut(files: Sequence[tuple[Path, int]], limit: int) -> list[list[tuple[Path, int]]]:
    """``files`` (paths with their sizes) in order, in runs of at most ``limit`` bytes (a larger file
    alone)."""
    runs: list[list[tuple[Path, int]]] = []
    total = 0
    for path, size in files:
        if not runs or (total + size > limit and runs[-1]):
            runs.append([])
            total = 0
        runs[-1].append((path, size))
        total += size
    return runs


def _source(errors: list[SourceError], skipped: list[SourceError], only: tuple[str, ...]) -> list[Finding]:
    return [
        finding
        for finding in source_findings(errors, skipped)
        if not only or finding.check in (*only, "source/read")
    ]
