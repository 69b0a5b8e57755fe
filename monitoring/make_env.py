"""Create .env from .env.example with random secrets; never overwrite an existing .env."""

import secrets
import sys
from pathlib import Path


def main(example: Path, target: Path) -> int:
    """Write ``target`` from ``example``, each ``__RANDOM__`` a new secret; 1 if ``target`` exists."""
    if target.exists():
        sys.stderr.write(f"{target} exists; not overwriting it (delete it to start again)\n")
        return 1
    lines = example.read_text().splitlines(keepends=True)
    text = "".join(
        line if line.startswith("#") else line.replace("__RANDOM__", secrets.token_urlsafe(24))
        for line in lines
    )
    target.write_text(text)
    target.chmod(0o600)
    sys.stdout.write(f"wrote {target} with random secrets\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
