"""A CJK font for matplotlib, when one is installed: without it Chinese is drawn as empty boxes.

Both environments draw charts (the owner's dashboard in the app env, the confusion
pictures in the Rasa env), so this module imports nothing but matplotlib.
Debian's `fonts-wqy-microhei` (DEBIAN_PACKAGE: 1.6 MB, the smallest that covers
Simplified Chinese; noto-cjk is 57 MB) is the one the tests and CI install; the
others are used when a machine has them instead. The font goes first in
matplotlib's sans-serif list: it has Latin letters too, and matplotlib 3.5 (Rasa
env) has no per-glyph fallback. With none of them the charts still render, with
one warning in the log (callers may draw English words instead: `cjk_font()` is None).
"""

from __future__ import annotations

import logging
from pathlib import Path

DEBIAN_PACKAGE = "fonts-wqy-microhei"
# (family name, where Debian's package puts it), preferred first.
FONTS = (
    ("WenQuanYi Micro Hei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    ("WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    ("Noto Sans CJK SC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    ("Droid Sans Fallback", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
logger = logging.getLogger("chart_font")
_chosen: list[str | None] = []  # the decision, made once per process


def find_cjk_font(fonts: tuple[tuple[str, str], ...] = FONTS) -> str | None:
    """The first of `fonts` matplotlib knows or can load from its file, else None."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    known = {entry.name for entry in manager.ttflist}
    for name, path in fonts:
        if name not in known and Path(path).is_file():
            # Installed after matplotlib cached its font list (~/.cache/matplotlib): add it by file.
            manager.addfont(path)
            known = {entry.name for entry in manager.ttflist}
        if name in known:
            return name
    return None


def use_cjk_font(fonts: tuple[tuple[str, str], ...] = FONTS) -> str | None:
    """Put the CJK font first for every chart drawn from now on; its name, or None (logged once)."""
    import matplotlib

    name = find_cjk_font(fonts)
    if name is None:
        logger.warning(
            "no CJK font for charts: Chinese would show as boxes (apt-get install %s)", DEBIAN_PACKAGE
        )
        return None
    others = [n for n in matplotlib.rcParams["font.sans-serif"] if n != name]
    matplotlib.rcParams["font.sans-serif"] = [name, *others]
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    return name


def cjk_font() -> str | None:
    """`use_cjk_font()` the first time, its answer afterwards."""
    if not _chosen:
        _chosen.append(use_cjk_font())
    return _chosen[0]
