"""Files that hold secrets (the Rasa endpoints, upstream.json): owner-only, replaced atomically.

`Path.write_text` creates a file with the umask's mode (usually 0644): any local
user could read the tracker database password or the Rasa token from it. Here the
file is created 0600 before a byte is written, in a 0700 folder, and renamed
into place, so it is never readable by others, not even for a moment.
"""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Creates `path` (and parents) if missing; the folder itself is owner-only."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Atomically replaces `path` with `text`, mode 0600 (readers see the old or the new file)."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a leftover temp file keeps its old mode otherwise
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
