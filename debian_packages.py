"""Debian packages the project installs itself when missing (PostgreSQL, Chromium, a CJK font, Redis).

Standard library only: both environments' tests and shop.db.devpg use it. Installing needs
root and apt-get, as on a fresh CI machine; anywhere else the error says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess


class PackageUnavailable(RuntimeError):
    """A Debian package is missing and cannot be installed here."""


def apt_install(package: str, *, why: str) -> None:
    """`apt-get update` + `apt-get install package`; raise PackageUnavailable with the reason."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise PackageUnavailable(
            f"{why} and cannot be installed (need root and apt-get): apt-get install {package}"
        )
    quiet = ["env", "DEBIAN_FRONTEND=noninteractive"]
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", package]):
        done = subprocess.run([*quiet, *cmd], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PackageUnavailable(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
