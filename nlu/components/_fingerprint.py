"""Content hashes for `fingerprint_addon`.

Rasa's training cache fingerprints a component's config (a path is just a
string) and the source of the component class only, so a changed side file or a
changed pure module would silently reuse a stale cached result. Hashing their
contents makes every such change reach the next model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def hash_paths(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the names and bytes of the given files and folders (recursive)."""
    digest = hashlib.sha256()
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files = [path]
        else:
            digest.update(f"missing:{path}".encode())
            continue
        for file in files:
            digest.update(str(file.relative_to(path.parent)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()
