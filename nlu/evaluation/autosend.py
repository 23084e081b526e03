"""Auto-send thresholds from data, and what they would do (pure: no Rasa, no files).

A prediction is `(gold, intent, confidence[, grievance])`: the intent the bot
would act on (nlu_fallback included), its confidence, and the share of the
model's ranking on a complaint, a return or a request for a person other than
the intent read (`grievance_share`; 0 when not given). A message is auto-sent when its intent
has a rule, the confidence reaches the rule's threshold and the grievance share
is at most the rule's `max_grievance` (the gateway's rule, desk/routing.py; its
other conditions - policy, mode, handoff - only ever hold a draft back, so this
is the most that could go out).

An intent's threshold is the lowest one at which the auto-sent messages of that
intent are right at least `precision` of the time, none of them is a harmful
confusion, and at least `min_support` messages back the estimate; otherwise the
intent is never auto-sent (None). An optional `gate` set of predictions (real
messages: the labelled real-buyer file) must meet the same precision
with no harmful confusion too, because cross-validation on our own phrasings is
more confident than real buyers deserve.

A rule may also cap the grievance share: real buyers' complaints are often flat
reports ("still not here") that the model reads as a question with a little
weight on complain. Holding those back lets the threshold come down for the
rest; `choose_rule` tries each cap of GRIEVANCE_CAPS and keeps the one that
sends the most cross-validation messages under the same rule.

Cross-validation measures precision on our training mix, not on a shop's
traffic: our phrasings hold a pre-purchase shipping question for every two order
questions, real buyers one for every 30. Optional `weights` (`prior_weights`: each gold
intent's share of real traffic over its share of the training data) count each
cross-validation answer as often as its intent occurs among buyers, the usual
correction for a prior shift; a harmful confusion still blocks whatever its weight.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple


class Prediction(NamedTuple):
    gold: str
    intent: str  # the intent acted on
    confidence: float
    grievance: float = 0.0  # share of the ranking on HARMFUL_GOLD intents other than the one read


class Rule(NamedTuple):
    """An intent's auto-send rule: confidence at least `threshold`, grievance share at most `max_grievance`."""

    threshold: float
    max_grievance: float = 1.0


# A routing entry: a rule, a bare threshold (no grievance cap) or None (never auto-sent).
Route = Rule | float | None

# A buyer's grievance, a return or a request for a person answered as anything
# else is the harm the issue forbids: such a message must never be auto-sent.
HARMFUL_GOLD = frozenset({"complain", "request_return", "request_human"})
# Always an agent, whatever the data: grievances, a person asked for, an address
# change, and answers (yes/no) that only make sense in context. A return request is
# not among them: its reply is the shop's rules applied to her order (actions/returns.py),
# a refusal they cannot settle hands over, and the request is filed only once she
# confirms (the reply to her yes, an affirm, always waits for an agent). Whether its
# drafts go out alone is the data's call like any other intent's: a complaint read as a
# return is a harmful confusion.
ALWAYS_AGENT = frozenset(
    {
        "complain",
        "request_human",
        "change_address",
        "affirm",
        "deny",
        "out_of_scope",
        "nlu_fallback",
    }
)
TARGET_PRECISION = 0.99
MIN_SUPPORT = 20
# Candidate thresholds: the routing file keeps two decimals.
GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(71))
# Candidate grievance caps, loosest first (1.0: no cap), so a tie keeps the simpler rule.
GRIEVANCE_CAPS = (1.0, 0.5, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03, 0.02, 0.01)


def grievance_share(ranking: Iterable[tuple[str, float]]) -> float:
    """How much of the model's ranking could be a complaint, return or request for a person
    that a reply to its top intent would leave unanswered.

    The listed HARMFUL_GOLD confidences other than the top intent's (a return request
    read as one is no doubt about itself), plus, when one of them is missing from a
    truncated ranking, everything the ranking leaves unlisted (an upper bound:
    an unknown share counts against auto-sending). The gateway calls it too (desk/routing.py).
    """
    listed = {name: float(conf) for name, conf in ranking if name != "nlu_fallback"}
    top = max(listed, key=listed.__getitem__, default=None)
    others = HARMFUL_GOLD - {top}
    share = sum(listed.get(name, 0.0) for name in others)
    if not others <= listed.keys():
        share += max(0.0, 1.0 - sum(listed.values()))
    return min(1.0, share)


def prediction(gold: str, parsed: Mapping[str, Any]) -> Prediction:
    """A parsed message (nlu.evaluation.models.simplify: intent, confidence, ranking and
    the model's own grievance share, if it gives one) as a Prediction."""
    return Prediction(gold, parsed["intent"], float(parsed["confidence"]), parsed_grievance(parsed))


def parsed_grievance(parsed: Mapping[str, Any]) -> float:
    """The model's own grievance share (the classifier's `grievance_intents`), else the
    one its ranking implies (`grievance_share`): the gateway reads it the same way."""
    own = parsed.get("grievance")
    if own is not None and math.isfinite(float(own)):
        return min(1.0, max(0.0, float(own)))
    return grievance_share(parsed.get("ranking") or [])


def as_rule(route: Route) -> Rule | None:
    """A routing entry as a Rule (a bare number is a threshold without a grievance cap)."""
    if route is None or isinstance(route, Rule):
        return route
    return Rule(float(route))


def prior_weights(training: Iterable[str], traffic: Iterable[str]) -> dict[str, float]:
    """Per gold intent: its share of `traffic` over its share of `training` (both lists of golds).

    Add-one smoothing on the traffic counts, so an intent a small sample never saw
    still counts a little instead of not at all."""
    train = Counter(training)
    seen = Counter(traffic)
    total_train = sum(train.values())
    total_seen = sum(seen.values()) + len(train)
    return {
        gold: ((seen[gold] + 1) / total_seen) / (count / total_train) for gold, count in sorted(train.items())
    }


def is_harmful(gold: str, intent: str) -> bool:
    """A complaint, return or human request answered as something else."""
    return gold in HARMFUL_GOLD and intent != gold


def choose_threshold(
    intent: str,
    predictions: Iterable[Prediction],
    *,
    precision: float = TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
    gate: Iterable[Prediction] = (),
    max_grievance: float = 1.0,
    weights: Mapping[str, float] | None = None,
) -> float | None:
    """The lowest grid threshold meeting the rule for `intent`, or None (never auto-send).

    Messages whose grievance share is above `max_grievance` are held back, so
    they neither count for nor against the threshold. `weights` (`prior_weights`)
    weigh `predictions` by gold intent; the gate is real traffic and counts as it is."""
    if intent in ALWAYS_AGENT:
        return None

    def sendable(rows: Iterable[tuple]) -> list[tuple[str, float]]:
        return [
            (p.gold, p.confidence)
            for p in map(_prediction, rows)
            if p.intent == intent and p.grievance <= max_grievance
        ]

    mine, gated = sendable(predictions), sendable(gate)
    for threshold in GRID:
        sent = [gold for gold, conf in mine if conf >= threshold]
        if len(sent) < min_support:
            return None  # higher thresholds only send fewer
        if _safe(intent, sent, precision, weights) and _safe(
            intent, [g for g, c in gated if c >= threshold], precision
        ):
            return threshold
    return None


def _safe(intent: str, sent: list[str], precision: float, weights: Mapping[str, float] | None = None) -> bool:
    """No harmful confusion among the sent golds, and at least `precision` of them
    (weighed by gold intent when `weights` are given) right."""
    if any(is_harmful(gold, intent) for gold in sent):
        return False
    weight = _weigher(weights)
    right = sum(weight(gold) for gold in sent if gold == intent)
    return right >= precision * sum(map(weight, sent))


def _weigher(weights: Mapping[str, float] | None) -> Callable[[str], float]:
    """A gold intent's weight: 1 without weights, else its own (1 for an intent they do not list)."""
    if weights is None:
        return lambda gold: 1.0
    return lambda gold: weights.get(gold, 1.0)


def choose_thresholds(
    predictions: Sequence[Prediction],
    intents: Iterable[str],
    *,
    precision: float = TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
    gate: Sequence[Prediction] = (),
) -> dict[str, float | None]:
    """A threshold (or None) for every intent."""
    return {
        intent: choose_threshold(intent, predictions, precision=precision, min_support=min_support, gate=gate)
        for intent in intents
    }


def choose_rule(
    intent: str,
    predictions: Sequence[Prediction],
    *,
    precision: float = TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
    gate: Sequence[Prediction] = (),
    caps: Sequence[float] = GRIEVANCE_CAPS,
    weights: Mapping[str, float] | None = None,
) -> Rule | None:
    """The rule (threshold and grievance cap) that auto-sends the most of `predictions`
    (weighed by `weights`, when given), or None."""
    rows = [_prediction(p) for p in predictions]
    weight = _weigher(weights)
    best: tuple[float, Rule] | None = None
    for cap in caps:
        threshold = choose_threshold(
            intent,
            rows,
            precision=precision,
            min_support=min_support,
            gate=gate,
            max_grievance=cap,
            weights=weights,
        )
        if threshold is None:
            continue
        sent = sum(
            weight(p.gold)
            for p in rows
            if p.intent == intent and p.confidence >= threshold and p.grievance <= cap
        )
        if best is None or sent > best[0]:
            best = (sent, Rule(threshold, cap))
    return None if best is None else best[1]


def choose_rules(
    predictions: Sequence[Prediction],
    intents: Iterable[str],
    *,
    precision: float = TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
    gate: Sequence[Prediction] = (),
    caps: Sequence[float] = GRIEVANCE_CAPS,
    weights: Mapping[str, float] | None = None,
) -> dict[str, Rule | None]:
    """A rule (or None) for every intent."""
    return {
        intent: choose_rule(
            intent,
            predictions,
            precision=precision,
            min_support=min_support,
            gate=gate,
            caps=caps,
            weights=weights,
        )
        for intent in intents
    }


def _prediction(row: tuple) -> Prediction:
    return row if isinstance(row, Prediction) else Prediction(*row)


def agent_word_in(text: str, words: Iterable[str]) -> str | None:
    """The first of `words` the text contains (case-insensitive), or None: such a message
    goes to an agent whatever its intent (responses/routing.yml `agent_words`; the
    gateway's desk.routing calls this too, so both hold the same messages)."""
    folded = text.casefold()
    return next((word for word in words if word.casefold() in folded), None)


def hold_agent_words(
    predictions: Sequence[Prediction], texts: Sequence[str], words: Sequence[str]
) -> list[Prediction]:
    """The predictions, with every message that contains one of `words` held back
    (confidence 0): the gateway gives such a message to an agent whatever its intent."""
    return [
        p._replace(confidence=0.0) if agent_word_in(text, words) is not None else p
        for p, text in zip(map(_prediction, predictions), texts, strict=True)
    ]


def would_auto_send(
    intent: str, confidence: float, rules: Mapping[str, Route], grievance: float = 0.0
) -> bool:
    """The gateway's rule: never for ALWAYS_AGENT or an intent without a rule; otherwise
    confidence at least the threshold and grievance share at most the cap."""
    rule = as_rule(rules.get(intent))
    return (
        intent not in ALWAYS_AGENT
        and rule is not None
        and confidence >= rule.threshold
        and grievance <= rule.max_grievance
    )


def autosend_table(
    predictions: Sequence[Prediction],
    thresholds: Mapping[str, Route],
    texts: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Coverage and wrong-intent rate of auto-sending, per intent acted on and overall.

    Coverage is a share of ALL messages; the wrong rate a share of the auto-sent.
    `harmful` lists every harmful auto-send (with its text when `texts` is given).
    """
    total = len(predictions)
    per: dict[str, dict[str, Any]] = {}
    harmful: list[dict[str, Any]] = []
    for i, (gold, intent, conf, grievance) in enumerate(map(_prediction, predictions)):
        if not would_auto_send(intent, conf, thresholds, grievance):
            continue
        row = per.setdefault(intent, {"sent": 0, "wrong": 0, "harmful": 0})
        row["sent"] += 1
        row["wrong"] += gold != intent
        if is_harmful(gold, intent):
            row["harmful"] += 1
            case = {"gold": gold, "intent": intent, "confidence": round(conf, 3)}
            harmful.append({**case, "text": texts[i]} if texts is not None else case)
    rules = {intent: as_rule(route) for intent, route in thresholds.items()}
    rows = {
        intent: {
            **rules[intent]._asdict(),  # type: ignore[union-attr]  # sent, so it has a rule
            **row,
            "coverage": row["sent"] / total if total else 0.0,
            "wrong_rate": row["wrong"] / row["sent"],
        }
        for intent, row in sorted(per.items())
    }
    sent = sum(r["sent"] for r in per.values())
    wrong = sum(r["wrong"] for r in per.values())
    overall = {
        "messages": total,
        "sent": sent,
        "wrong": wrong,
        "harmful": len(harmful),
        "coverage": sent / total if total else 0.0,
        "wrong_rate": wrong / sent if sent else 0.0,
    }
    pairs: dict[str, int] = {}
    for case in harmful:
        key = f"{case['gold']} -> {case['intent']}"
        pairs[key] = pairs.get(key, 0) + 1
    return {
        "thresholds": rules,
        "per_intent": rows,
        "overall": overall,
        "harmful_pairs": dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))),
        "harmful_cases": harmful,
    }
