"""Decides, for every draft, whether it is sent on its own or goes to an agent.

Pure: the decision depends only on its arguments, and always says why, so the
desk can show it and the records keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from nlu.evaluation.autosend import ALWAYS_AGENT
from nlu.evaluation.autosend import agent_word_in as autosend_agent_word_in
from nlu.evaluation.autosend import parsed_grievance as autosend_parsed_grievance
from nlu.evaluation.autosend import parsed_tone as autosend_parsed_tone

MODES = ("assist", "bot_first", "human_first")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# These never go out on their own, whatever the file says: the defaults
# are a safety rule, not a preference. An address change needs an agent's check,
# and a bare yes/no only makes sense in context (issue 17). The threshold chooser's
# own set, so what it never chooses a threshold for the gateway never sends.
NEVER_AUTO = ALWAYS_AGENT


@dataclass(frozen=True)
class IntentRoute:
    auto_send: bool
    threshold: float
    # The most of the model's reading that may lie on a complaint, return or request for
    # a person (autosend.HARMFUL_GOLD) for the draft to go out alone (routing.yml
    # `max_grievance`; 1.0: no cap).
    max_grievance: float = 1.0
    # The most the message may sound like a complaint, whatever its topic (the parse's
    # `tone`, routing.yml `max_tone`; 1.0: no cap).
    max_tone: float = 1.0


def grievance_share(intent_ranking: list[dict], own: float | None = None) -> float:
    """How much of the model's reading could be a complaint, return or request for a
    person: its own share (`own`, the parse's `grievance`) when it gives one, else what
    Rasa's `intent_ranking` implies. The share `make thresholds` chose the caps by
    (nlu.evaluation.autosend, pure Python), so the gateway holds exactly what the chooser counted on."""
    ranking = [(r.get("name"), r.get("confidence") or 0.0) for r in intent_ranking]
    return autosend_parsed_grievance({"grievance": own, "ranking": ranking})


def complaint_tone(own: float | None) -> float:
    """How much the message sounds like a complaint (the parse's `tone`); a model that gives
    none counts as all of it, which only matters for an intent with a `max_tone`. The
    chooser's own reading (`nlu.evaluation.autosend.parsed_tone`)."""
    return autosend_parsed_tone({"tone": own})


@dataclass(frozen=True)
class HumanMode:
    """Human mode (the buyer asked for a person, or an agent took over): its timing."""

    # Back to the bot once no agent acted in the chat for this long.
    quiet_minutes: int = 30
    # What the buyer is promised in business hours ("an agent replies within N minutes").
    reply_within_minutes: int = 5


@dataclass(frozen=True)
class RoutingConfig:
    mode: str = "bot_first"
    intents: dict[str, IntentRoute] = field(default_factory=dict)
    default: IntentRoute = IntentRoute(False, 1.0)
    timezone: str = "Asia/Shanghai"
    business_hours: dict[str, tuple[time, time]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    human_mode: HumanMode = HumanMode()
    # The shop's response-time rule (routing.yml `response_minutes`): what the owner's numbers measure against.
    response_minutes: float = 3.0
    # Words that mean the buyer wants a person (routing.yml `agent_words`): a message
    # with one goes to an agent whatever intent the model read in it.
    agent_words: tuple[str, ...] = ()

    def agent_word_in(self, text: str) -> str | None:
        """The first of `agent_words` the text contains (case-insensitive), or None: the
        threshold chooser's own match, so it holds back exactly these messages."""
        return autosend_agent_word_in(text, self.agent_words)

    def route_for(self, intent: str) -> IntentRoute:
        return self.intents.get(intent, self.default)

    def in_business_hours(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.timezone))
        if local.date() in self.holidays:
            return False
        hours = self.business_hours.get(WEEKDAYS[local.weekday()])
        return bool(hours) and hours[0] <= local.time() < hours[1]

    def next_opening(self, now: datetime) -> datetime | None:
        """When business hours next begin after `now` (shop time); None without any hours."""
        local = now.astimezone(ZoneInfo(self.timezone))
        for ahead in range(32):  # a month of holidays in a row is no shop
            day = local.date() + timedelta(days=ahead)
            hours = self.business_hours.get(WEEKDAYS[day.weekday()])
            if not hours or day in self.holidays:
                continue
            opens = datetime.combine(day, hours[0], tzinfo=local.tzinfo)
            if opens > local:
                return opens
        return None


# English for logs and tests; agents read the Chinese wording of the same
# codes from responses/gateway.yml (desk.texts.route_reason).
REASONS = {
    "human_mode": "conversation is in human mode",
    "no_draft": "no draft was produced",
    "handoff": "the action asked for an agent",
    "policy_failed": "the draft failed the policy check",
    "assist_mode": "assist mode: every draft goes to an agent",
    "agents_on_duty": "human_first mode: agents are on duty",
    "never_auto": "intent {intent} is never auto-sent",
    "agent_word": "the buyer wrote {word!r}, which asks for a person",
    "below_threshold": "confidence {confidence:.2f} is below {intent}'s threshold {threshold:.2f}",
    "grievance_doubt": (
        "{intent} at {confidence:.2f}, but {grievance:.2f} of the reading is a complaint, return or "
        "request for a person (at most {max_grievance:.2f} goes out alone)"
    ),
    "tone_doubt": (
        "{intent} at {confidence:.2f}, but it sounds like a complaint ({tone:.2f}; "
        "at most {max_tone:.2f} goes out alone)"
    ),
    "auto": "{mode}: {intent} at {confidence:.2f} ≥ {threshold:.2f}, policy ok",
    "earlier_waiting": "an earlier message of this chat is waiting for an agent",
    "human_requested": "the buyer asked for a person: told who answers and when, chat in human mode",
}


@dataclass(frozen=True)
class RouteDecision:
    auto_send: bool
    code: str
    params: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return REASONS[self.code].format(**self.params)


class RoutingConfigError(ValueError):
    """The routing file is wrong; the message names the key."""


def _share(raw: dict, key: str, where: str) -> float:
    try:
        value = float(raw.get(key, 1.0))
    except (TypeError, ValueError) as exc:
        raise RoutingConfigError(f"{where}: {key} must be a number") from exc
    if not 0.0 <= value <= 1.0:
        raise RoutingConfigError(f"{where}: {key} must be between 0 and 1")
    return value


def _route(raw: dict, where: str) -> IntentRoute:
    return IntentRoute(
        bool(raw.get("auto_send", False)),
        _share(raw, "threshold", where),
        _share(raw, "max_grievance", where),
        _share(raw, "max_tone", where),
    )


def _clock(value: str) -> time:
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def _response_minutes(value: object) -> float:
    try:
        minutes = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise RoutingConfigError("response_minutes must be a number of minutes") from exc
    if minutes <= 0:
        raise RoutingConfigError("response_minutes must be more than 0")
    return minutes


def parse_routing(raw: dict) -> RoutingConfig:
    mode = raw.get("mode", "bot_first")
    if mode not in MODES:
        raise RoutingConfigError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    hours = {day: (_clock(v[0]), _clock(v[1])) for day, v in (raw.get("business_hours") or {}).items()}
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise RoutingConfigError(f"business_hours: unknown days {sorted(unknown)}")
    return RoutingConfig(
        mode=mode,
        intents={name: _route(v or {}, f"intents.{name}") for name, v in (raw.get("intents") or {}).items()},
        default=_route(raw.get("default") or {}, "default"),
        timezone=raw.get("timezone", "Asia/Shanghai"),
        business_hours=hours,
        holidays=frozenset(date.fromisoformat(str(d)) for d in raw.get("holidays") or []),
        human_mode=_human_mode(raw.get("human_mode") or {}),
        response_minutes=_response_minutes(raw.get("response_minutes", RoutingConfig.response_minutes)),
        agent_words=_agent_words(raw.get("agent_words") or []),
    )


def _agent_words(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise RoutingConfigError("agent_words must be a list of words (non-empty text)")
    return tuple(w.strip() for w in value)


def _minutes(raw: dict, key: str, default: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RoutingConfigError(f"human_mode.{key} must be a whole number of minutes (1 or more)")
    return value


def _human_mode(raw: dict) -> HumanMode:
    if not isinstance(raw, dict):
        raise RoutingConfigError("human_mode must be a mapping")
    defaults = HumanMode()
    return HumanMode(
        quiet_minutes=_minutes(raw, "quiet_minutes", defaults.quiet_minutes),
        reply_within_minutes=_minutes(raw, "reply_within_minutes", defaults.reply_within_minutes),
    )


def load_routing(path: Path) -> RoutingConfig:
    with open(path, encoding="utf-8") as fh:
        return parse_routing(yaml.safe_load(fh) or {})


def decide(
    config: RoutingConfig,
    *,
    intent: str,
    confidence: float,
    has_reply: bool,
    policy_ok: bool,
    handoff: bool,
    human_mode: bool,
    agents_on_duty: bool,
    now: datetime,
    text: str = "",
    grievance: float = 1.0,
    tone: float = 1.0,
) -> RouteDecision:
    """Auto-send only when every condition holds; otherwise the first reason not to.

    `text` is the buyer's message (or the part of it this draft answers);
    `grievance` the share of the model's ranking on a grievance (`grievance_share`) and
    `tone` how much it sounds like a complaint (`complaint_tone`); unknown counts as all
    of it, which only matters for an intent with a cap."""
    if human_mode:
        return RouteDecision(False, "human_mode")
    if not has_reply:
        return RouteDecision(False, "no_draft")
    if handoff:
        return RouteDecision(False, "handoff")
    if not policy_ok:
        return RouteDecision(False, "policy_failed")
    if config.mode == "assist":
        return RouteDecision(False, "assist_mode")
    if config.mode == "human_first" and agents_on_duty and config.in_business_hours(now):
        return RouteDecision(False, "agents_on_duty")
    route = config.route_for(intent)
    word = config.agent_word_in(text)
    if word is not None and intent not in NEVER_AUTO:
        return RouteDecision(False, "agent_word", {"word": word, "intent": intent})
    if intent in NEVER_AUTO or not route.auto_send:
        return RouteDecision(False, "never_auto", {"intent": intent})
    params = {"intent": intent, "confidence": confidence, "threshold": route.threshold, "mode": config.mode}
    if confidence < route.threshold:
        return RouteDecision(False, "below_threshold", params)
    if grievance > route.max_grievance:
        capped = {**params, "grievance": grievance, "max_grievance": route.max_grievance}
        return RouteDecision(False, "grievance_doubt", capped)
    if tone > route.max_tone:
        return RouteDecision(False, "tone_doubt", {**params, "tone": tone, "max_tone": route.max_tone})
    return RouteDecision(True, "auto", params)
