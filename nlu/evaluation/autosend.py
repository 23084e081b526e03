"""Auto-send thresholds from data, and what they would do (pure: no Rasa, no files).

A prediction is `(gold, intent, confidence[, grievance[, tone]])`: the intent the bot
would act on (nlu_fallback included), its confidence, the share of the
model's ranking on a complaint, a return or a request for a person other than
the intent read (`grievance_share`; 0 when not given), and how much the message
sounds like a complaint whatever its topic (the model's `tone`; 0 when a prediction
omits it, 1 when a parse lacks it: `parsed_tone`).
A message is auto-sent when its intent has a rule, the confidence reaches the
rule's threshold, the grievance share is at most the rule's `max_grievance` and
the tone at most its `max_tone` (the gateway's rule, desk/routing.py; its
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
rest; `choose_rule` tries each cap of GRIEVANCE_CAPS with each tone cap of TONE_CAPS
and keeps the pair that sends the most cross-validation messages under the same rule.
The two see different things: the grievance share is the intent regression's, where a
complaint's topic words pull it to the topic's question; the tone is a complaint-or-not
regression's, where topic words stand on both sides and reproach carries the score.

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
    tone: float = 0.0  # how much it sounds like a complaint (the parse's `tone`)


class Rule(NamedTuple):
    """An intent's auto-send rule: confidence at least `threshold`, grievance share at most
    `max_grievance`, complaint tone at most `max_tone`."""

    threshold: float
    max_grievance: float = 1.0
    max_tone: float = 1.0


# A routing entry: a rule, a bare threshold (no caps) or None (never auto-sent).
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
# Candidate complaint-tone caps, loosest first (1.0: no cap).
TONE_CAPS = (1.0, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1)


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
    the model's own grievance share and tone, if it gives them) as a Prediction."""
    return Prediction(
        gold, parsed["intent"], float(parsed["confidence"]), parsed_grievance(parsed), parsed_tone(parsed)
    )


def parsed_tone(parsed: Mapping[str, Any]) -> float:
    """The model's complaint tone; 1 when it gives none (an older model, or not a number):
    an unknown tone counts against auto-sending under a `max_tone`, as the gateway reads it."""
    tone = parsed.get("tone")
    if tone is not None and math.isfinite(float(tone)):
        return min(1.0, max(0.0, float(tone)))
    return 1.0


def parsed_grievance(parsed: Mapping[str, Any]) -> float:
    """The model's own grievance share (the classifier's `grievance_intents`), else the
    one its ranking implies (`grievance_share`): the gateway reads it the same way."""
    own = parsed.get("grievance")
    if own is not None and math.isfinite(float(own)):
        return min(1.0, max(0.0, float(own)))
    return grievance_share(parsed.get("ranking") or [])


def as_rule(route: Route) -> Rule | None:
    """A routing entry as a Rule (a bare number is a threshold without caps)."""
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
    max_tone: float = 1.0,
    weights: Mapping[str, float] | None = None,
) -> float | None:
    """The lowest grid threshold meeting the rule for `intent`, or None (never auto-send).

    Messages whose grievance share is above `max_grievance` or tone above `max_tone` are
    held back, so they neither count for nor against the threshold. `weights` (`prior_weights`)
    weigh `predictions` by gold intent; the gate is real traffic and counts as it is."""
    if intent in ALWAYS_AGENT:
        return None

    def sendable(rows: Iterable[tuple]) -> list[tuple[str, float]]:
        return [
            (p.gold, p.confidence)
            for p in map(_prediction, rows)
            if p.intent == intent and p.grievance <= max_grievance and p.tone <= max_tone
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
    tone_caps: Sequence[float] = TONE_CAPS,
    weights: Mapping[str, float] | None = None,
) -> Rule | None:
    """The rule (threshold, grievance cap and tone cap) that auto-sends the most of
    `predictions` (weighed by `weights`, when given), or None. A tie keeps the looser caps."""
    # Only the intent's own answers count: the 99 cap pairs then each scan a few hundred rows.
    rows = [p for p in map(_prediction, predictions) if p.intent == intent]
    if intent in ALWAYS_AGENT or not rows:
        return None
    gated = [p for p in map(_prediction, gate) if p.intent == intent]
    weight = _weigher(weights)
    best: tuple[float, Rule] | None = None
    for cap in caps:
        for tone_cap in tone_caps:
            threshold = choose_threshold(
                intent,
                rows,
                precision=precision,
                min_support=min_support,
                gate=gated,
                max_grievance=cap,
                max_tone=tone_cap,
                weights=weights,
            )
            if threshold is None:
                continue
            rule = Rule(threshold, cap, tone_cap)
            sent = sum(weight(p.gold) for p in rows if _passes(p, rule))
            if best is None or sent > best[0]:
                best = (sent, rule)
    return None if best is None else best[1]


def _passes(p: Prediction, rule: Rule) -> bool:
    return p.confidence >= rule.threshold and p.grievance <= rule.max_grievance and p.tone <= rule.max_tone


def choose_rules(
    predictions: Sequence[Prediction],
    intents: Iterable[str],
    *,
    precision: float = TARGET_PRECISION,
    min_support: int = MIN_SUPPORT,
    gate: Sequence[Prediction] = (),
    caps: Sequence[float] = GRIEVANCE_CAPS,
    tone_caps: Sequence[float] = TONE_CAPS,
    weights: Mapping[str, float] | None = None,
) -> dict[str, Rule | None]:
    """A rule (or None) for every intent."""
    rows = [_prediction(p) for p in predictions]
    gated = [_prediction(p) for p in gate]
    return {
        intent: choose_rule(
            intent,
            rows,
            precision=precision,
            min_support=min_support,
            gate=gated,
            caps=caps,
            tone_caps=tone_caps,
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
    intent: str, confidence: float, rules: Mapping[str, Route], grievance: float = 0.0, tone: float = 0.0
) -> bool:
    """The gateway's rule: never for ALWAYS_AGENT or an intent without a rule; otherwise
    confidence at least the threshold, grievance share and tone at most their caps."""
    rule = as_rule(rules.get(intent))
    return (
        intent not in ALWAYS_AGENT
        and rule is not None
        and _passes(Prediction("", intent, confidence, grievance, tone), rule)
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
    for i, (gold, intent, conf, grievance, tone) in enumerate(map(_prediction, predictions)):
        if not would_auto_send(intent, conf, thresholds, grievance, tone):
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
