"""Debian's Chromium for the console's browser tests: found, or installed with apt-get like PostgreSQL.

Playwright drives it through `executable_path`; Playwright's own browser
download is never used (nothing is fetched at test time but Debian packages).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from debian_packages import PackageUnavailable, apt_install

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Headless, no sandbox (root in CI), and nothing that phones home or updates itself.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ChromiumUnavailable(RuntimeError):
    """Chromium is missing and cannot be installed here."""


def find_chromium() -> Path | None:
    for candidate in CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    found = shutil.which("chromium")
    return Path(found) if found else None


def ensure_chromium() -> Path:
    """The Chromium binary, installed with apt-get (as root) when missing."""
    found = find_chromium()
    if found is not None:
        return found
    try:
        apt_install("chromium", why="chromium is not installed")
    except PackageUnavailable as exc:
        raise ChromiumUnavailable(str(exc)) from exc
    found = find_chromium()
    if found is None:
        raise ChromiumUnavailable("apt-get installed chromium but no binary was found")
    return found
