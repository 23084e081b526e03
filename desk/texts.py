"""The gateway's and simulator's wording, read from responses/gateway.yml.

No Chinese literals live in Python: the texts are data, so the shop can reword
them (and the policy test can check every buyer-facing one) without code changes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from desk.routing import RouteDecision
from paths import RESPONSES_DIR

GATEWAY_FILE = RESPONSES_DIR / "gateway.yml"


@lru_cache(maxsize=8)
def _load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def text_in(path: Path, key: str, /, **fields: Any) -> str:
    """The text at dotted `key` of a wording file under responses/, with `fields` filled in.

    The gateway's, the console's and the owner's wording files are read the same way.
    """
    node: Any = _load(path)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{key} is missing from {path.name}")
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(f"{key} in {path.name} is not a text")
    return node.format(**fields) if fields else node


def all_texts(path: Path = GATEWAY_FILE) -> dict[str, Any]:
    """The whole file, as a dict of sections (buyer, agent, simulator)."""
    return _load(path)


def text(key: str, /, **fields: Any) -> str:
    """The text at dotted `key` (e.g. "buyer.holding"), with `fields` filled in."""
    return text_in(GATEWAY_FILE, key, **fields)


def buyer(key: str, /, **fields: Any) -> str:
    """A text shown to buyers (must pass the shop policy check)."""
    return text(f"buyer.{key}", **fields)


def agent(key: str, /, **fields: Any) -> str:
    """A text shown to agents in the desk group."""
    return text(f"agent.{key}", **fields)


def kind_name(kind: str) -> str:
    """What the buyer sent, in words (the `buyer.kinds` entry of gateway.yml)."""
    kinds = _load(GATEWAY_FILE)["buyer"]["kinds"]
    return kinds.get(kind, kinds["other"])


def channel_account(channel: str, user_id: str) -> str:
    """A chat's account in the agents' words, true for any front end (the `channels` of gateway.yml)."""
    names = _load(GATEWAY_FILE)["channels"]
    if channel in names:
        return text(f"channels.{channel}", user_id=user_id)
    return text("channels.other", channel=channel, user_id=user_id)


# A held draft's number that went above its cap, by the routing reason that names it.
_ABOVE_CAP = {"grievance_doubt": "grievance", "tone_doubt": "tone"}


def route_reason(decision: RouteDecision) -> str:
    """Why a draft was auto-sent or waits, in the agents' words."""
    params = dict(decision.params)
    if decision.code == "below_threshold":
        # Rounded, 0.907 below a threshold of 0.91 would read as 0.91 below 0.91; thresholds have
        # two decimals, so the floor always shows the confidence under its threshold.
        params["confidence"] = math.floor(params["confidence"] * 100 + 1e-9) / 100  # 0.29 * 100 = 28.999...
    # The same for a share or tone just above its cap: 0.031 over 0.03 reads 0.04, never "0.03 over 0.03".
    capped = _ABOVE_CAP.get(decision.code)
    if capped is not None:
        params[capped] = math.ceil(params[capped] * 100 - 1e-9) / 100
    return text(f"route_reasons.{decision.code}", **params)
