"""Debian's CJK font for the chart tests: found, or installed with apt-get like Chromium and PostgreSQL.

Used by both environments' tests (stdlib and chart_font only); nothing is fetched
at test time but a Debian package.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from chart_font import DEBIAN_PACKAGE, find_cjk_font


class FontUnavailable(RuntimeError):
    """No CJK font is installed and none can be installed here."""


def ensure_cjk_font() -> str:
    """The CJK font matplotlib will use, after `apt-get install fonts-wqy-microhei` (as root) if none."""
    found = find_cjk_font()
    if found is not None:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise FontUnavailable(
            f"no CJK font and cannot install one (need root and apt-get): apt-get install {DEBIAN_PACKAGE}"
        )
    quiet = ["env", "DEBIAN_FRONTEND=noninteractive"]
    for cmd in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", DEBIAN_PACKAGE],
    ):
        done = subprocess.run([*quiet, *cmd], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise FontUnavailable(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    found = find_cjk_font()
    if found is None:
        raise FontUnavailable(f"apt-get installed {DEBIAN_PACKAGE} but matplotlib finds no CJK font")
    return found
