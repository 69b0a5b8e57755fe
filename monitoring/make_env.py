"""Create .env from .env.example with random secrets; never overwrite an existing .env.

The file is created with mode 0600 from its first byte (never readable by others, not even briefly),
and only when it does not exist yet (``O_EXCL``), so two runs cannot race to write it.
"""

import os
import secrets
import sys
from pathlib import Path


def main(example: Path, target: Path) -> int:
    """Write ``target`` from ``example``, each ``__RANDOM__`` a new secret; 1 if ``target`` exists, 2 if
    a file cannot be read or written."""
    try:
        lines = example.read_text(encoding="utf-8").splitlines(keepends=True)
    except OSError as error:
        sys.stderr.write(f"cannot read {example}: {error.strerror}\n")
        return 2
    text = "".join(
        line if line.startswith("#") else line.replace("__RANDOM__", secrets.token_urlsafe(24))
        for line in lines
    )
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        sys.stderr.write(f"{target} exists; not overwriting it (delete it to start again)\n")
        return 1
    except OSError as error:
        sys.stderr.write(f"cannot create {target}: {error.strerror}\n")
        return 2
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        target.unlink(missing_ok=True)
        sys.stderr.write(f"cannot write {target}: {error.strerror}\n")
        return 2
    sys.stdout.write(f"wrote {target} with random secrets (mode 0600)\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write("usage: make_env.py EXAMPLE TARGET\n")
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
