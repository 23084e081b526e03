"""The README stays true: every path it names exists, and its quick start is the two commands."""

import re

from paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_path_in_the_layout_table_exists():
    layout = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = [p for cell in re.findall(r"^\| (.+?) \|", layout, re.M) for p in re.findall(r"`([^`]+)`", cell)]
    assert named, "the layout table names no paths"
    missing = [p for p in named if not (PROJECT_ROOT / p.split(" ")[0]).exists()]
    assert missing == []


def test_quick_start_is_demo_then_test():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^    (make \w+)", quick, re.M)
    assert commands == ["make demo", "make test"]


def test_every_make_target_in_the_readme_exists():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    mentioned = set(re.findall(r"`make ([a-z-]+)", README))
    assert mentioned <= targets, mentioned - targets
