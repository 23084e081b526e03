"""The action server registers exactly the domain's actions, and every reply has a template."""

from __future__ import annotations

import re

import yaml
from rasa_sdk.executor import ActionExecutor

from paths import PROJECT_ROOT
from tests.render import templates

UTTER = re.compile(r"\butter_[a-z0-9_]*[a-z0-9]\b")
# A literal template name in Python: "utter_x" or 'utter_x' (f-string pieces are not names).
UTTER_LITERAL = re.compile(r"""["'](utter_[a-z0-9_]+)["']""")


def _domain() -> dict:
    with open(PROJECT_ROOT / "domain.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_registered_actions_equal_the_domain_actions() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions)
    declared = set(_domain()["actions"])
    assert registered == declared, (
        f"declared but not registered: {sorted(declared - registered)}; "
        f"registered but not declared: {sorted(registered - declared)}"
    )


def _referenced_in_python() -> dict[str, str]:
    found = {}
    for path in sorted((PROJECT_ROOT / "actions").glob("*.py")):
        for name in UTTER_LITERAL.findall(path.read_text(encoding="utf-8")):
            found[name] = f"actions/{path.name}"
    return found


def _referenced_in_data() -> dict[str, str]:
    found = {}
    for folder in ("data/rules", "data/stories"):
        for path in sorted((PROJECT_ROOT / folder).glob("*.yml")):
            for name in UTTER.findall(path.read_text(encoding="utf-8")):
                found[name] = f"{folder}/{path.name}"
    for name in _domain().get("actions") or []:
        if name.startswith("utter_"):
            found[name] = "domain.yml"
    return found


def test_every_referenced_reply_has_a_template() -> None:
    referenced = {**_referenced_in_python(), **_referenced_in_data()}
    assert "utter_size_fit" in referenced  # the scan itself works
    missing = {name: where for name, where in referenced.items() if name not in templates()}
    assert not missing, f"templates missing for: {missing}"


def test_every_template_is_a_list_of_text_variants() -> None:
    for path in sorted((PROJECT_ROOT / "responses" / "templates").glob("*.yml")):
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        assert str(data.get("version")) == "3.1", path.name
        for name, variants in data["responses"].items():
            assert name.startswith("utter_"), f"{path.name}: {name}"
            assert variants and all("text" in v for v in variants), f"{path.name}: {name}"
