"""Floor of ``toolkit diff``: read ``build/`` at two revisions as the git source does (``git archive``),
parse every file, and name the files whose data differs, one pair of files at a time.

``python -m bench.peers.diff_floor REPO OLD NEW``
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _extract(repo: Path, revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "build"], cwd=repo, capture_output=True, check=True
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into / "build"


def _load(path: Path) -> object:
    if not path.is_file():
        return None
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=LOADER)


def main() -> None:
    repo, old, new = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory(prefix="bench-diff-floor-") as tmp:
        before, after = _extract(repo, old, Path(tmp) / "old"), _extract(repo, new, Path(tmp) / "new")
        names = {
            p.relative_to(side).as_posix() for side in (before, after) for p in side.rglob("*") if p.is_file()
        }
        changed = [name for name in sorted(names) if _load(before / name) != _load(after / name)]
    print("\n".join(changed))
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
