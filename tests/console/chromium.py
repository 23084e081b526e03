"""Debian's Chromium for the console's browser tests: found, or installed with apt-get like PostgreSQL.

Playwright drives it through `executable_path`; Playwright's own browser
download is never used (nothing is fetched at test time but Debian packages).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

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
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ChromiumUnavailable(
            "chromium is not installed and cannot be (need root and apt-get): apt-get install chromium"
        )
    quiet = ["env", "DEBIAN_FRONTEND=noninteractive"]
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        done = subprocess.run([*quiet, *cmd], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ChromiumUnavailable(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    found = find_chromium()
    if found is None:
        raise ChromiumUnavailable("apt-get installed chromium but no binary was found")
    return found
