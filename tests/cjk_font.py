"""Debian's CJK font for the chart tests: found, or installed with apt-get like Chromium and PostgreSQL.

Used by both environments' tests (stdlib and chart_font only); nothing is fetched
at test time but a Debian package.
"""

from __future__ import annotations

from chart_font import DEBIAN_PACKAGE, find_cjk_font
from debian_packages import PackageUnavailable, apt_install


class FontUnavailable(RuntimeError):
    """No CJK font is installed and none can be installed here."""


def ensure_cjk_font() -> str:
    """The CJK font matplotlib will use, after `apt-get install fonts-wqy-microhei` (as root) if none."""
    found = find_cjk_font()
    if found is not None:
        return found
    try:
        apt_install(DEBIAN_PACKAGE, why="no CJK font is installed")
    except PackageUnavailable as exc:
        raise FontUnavailable(str(exc)) from exc
    found = find_cjk_font()
    if found is None:
        raise FontUnavailable(f"apt-get installed {DEBIAN_PACKAGE} but matplotlib finds no CJK font")
    return found
