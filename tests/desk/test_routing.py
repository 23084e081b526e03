"""The auto-send decision: every condition, each mode, and the recorded reason."""

import dataclasses
from datetime import datetime, timezone

import pytest

from desk.routing import IntentRoute, RoutingConfig, RoutingConfigError, decide, load_routing, parse_routing
from nlu.evaluation.autosend import ALWAYS_AGENT
from paths import RESPONSES_DIR

# Tuesday 2026-11-24 12:00 in Shanghai is 04:00 UTC: business hours.
IN_HOURS = datetime(2026, 11, 24, 4, 0, tzinfo=timezone.utc)
# Tuesday 23:30 in Shanghai: closed.
AFTER_HOURS = datetime(2026, 11, 24, 15, 30, tzinfo=timezone.utc)
# 2026-10-01 (National Day) 12:00 in Shanghai: a holiday.
HOLIDAY = datetime(2026, 10, 1, 4, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def shop_routing() -> RoutingConfig:
    # The shop's mode, hours and holidays with fixed thresholds: `make thresholds` rewrites the file's.
    config = load_routing(RESPONSES_DIR / "routing.yml")
    fixed = {**config.intents, "ask_size": IntentRoute(True, 0.60), "greet": IntentRoute(True, 0.60)}
    return dataclasses.replace(config, intents=fixed)


@pytest.mark.parametrize(
    "intent",
    [
        "complain",
        "request_human",
        "change_address",
        "affirm",
        "deny",
        "out_of_scope",
        "nlu_fallback",
    ],
)
def test_shipped_thresholds_send_agent_intents_to_an_agent(intent):
    shipped = load_routing(RESPONSES_DIR / "routing.yml")
    assert not _decide(shipped, intent=intent, confidence=1.0, agents_on_duty=False).auto_send


def test_a_return_request_goes_alone_only_when_its_rule_and_the_return_rules_allow():
    # The shop's return rules answer it and ask her to confirm; a refusal or an exception
    # the rules cannot settle hands over (handoff), and a complaint read as a return is
    # what its threshold and cap hold back.
    config = parse_routing(
        {
            "mode": "bot_first",
            "intents": {"request_return": {"auto_send": True, "threshold": 0.9, "max_grievance": 0.1}},
        }
    )
    ask = dict(intent="request_return", confidence=0.95, agents_on_duty=False, grievance=0.05)
    assert _decide(config, **ask).auto_send
    assert not _decide(config, **ask, handoff=True).auto_send
    assert _decide(config, **{**ask, "grievance": 0.2}).code == "grievance_doubt"
    assert _decide(config, **{**ask, "confidence": 0.85}).code == "below_threshold"


def _decide(config, **overrides):
    args = dict(
        intent="ask_size",
        confidence=0.97,
        has_reply=True,
        policy_ok=True,
        handoff=False,
        human_mode=False,
        agents_on_duty=True,
        now=IN_HOURS,
    )
    args.update(overrides)
    return decide(config, **args)


@pytest.mark.parametrize(
    "overrides, auto, reason_part",
    [
        ({}, True, "ask_size"),
        ({"confidence": 0.59}, False, "below"),
        ({"confidence": 0.60}, True, "≥"),
        ({"policy_ok": False}, False, "policy"),
        ({"handoff": True}, False, "agent"),
        ({"human_mode": True}, False, "human mode"),
        ({"has_reply": False}, False, "no draft"),
        ({"intent": "complain", "confidence": 1.0}, False, "never"),
        ({"intent": "change_address", "confidence": 1.0}, False, "never"),
        ({"intent": "nlu_fallback", "confidence": 1.0}, False, "never"),
        ({"intent": "some_new_intent", "confidence": 0.99}, False, "never"),
        ({"intent": "greet", "confidence": 0.81}, True, "greet"),
    ],
)
def test_bot_first_routes_each_condition(shop_routing, overrides, auto, reason_part):
    decision = _decide(shop_routing, **overrides)
    assert decision.auto_send is auto
    assert reason_part in decision.reason


def test_assist_mode_sends_nothing_on_its_own(shop_routing):
    config = RoutingConfig(**{**shop_routing.__dict__, "mode": "assist"})
    assert not _decide(config).auto_send
    assert "assist" in _decide(config).reason


@pytest.mark.parametrize(
    "now, on_duty, auto",
    [(IN_HOURS, True, False), (IN_HOURS, False, True), (AFTER_HOURS, True, True), (HOLIDAY, True, True)],
)
def test_human_first_uses_agents_in_hours_and_bot_otherwise(shop_routing, now, on_duty, auto):
    config = RoutingConfig(**{**shop_routing.__dict__, "mode": "human_first"})
    assert _decide(config, now=now, agents_on_duty=on_duty).auto_send is auto


def test_routing_file_can_not_make_complaints_auto_send():
    config = parse_routing(
        {"mode": "bot_first", "intents": {"complain": {"auto_send": True, "threshold": 0.1}}}
    )
    assert not _decide(config, intent="complain").auto_send


@pytest.mark.parametrize("intent", sorted(ALWAYS_AGENT))
def test_routing_file_can_not_make_agent_intents_auto_send(intent):
    """Whatever the file says, the gateway never sends an intent the threshold chooser
    never chooses a threshold for (nlu.evaluation.autosend, pure Python: both envs read it)."""
    config = parse_routing({"mode": "bot_first", "intents": {intent: {"auto_send": True, "threshold": 0.1}}})
    assert not _decide(config, intent=intent, confidence=1.0).auto_send


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"mode": "autopilot"}, "mode must be one of"),
        ({"intents": {"greet": {"threshold": 1.5}}}, "intents.greet"),
        ({"intents": {"greet": {"threshold": "high"}}}, "must be a number"),
        ({"business_hours": {"someday": ["09:00", "18:00"]}}, "unknown days"),
        ({"agent_words": "人工"}, "agent_words must be a list"),
        ({"agent_words": ["人工", " "]}, "agent_words must be a list"),
        ({"intents": {"greet": {"threshold": 0.5, "max_grievance": 2}}}, "max_grievance must be between"),
        (
            {"intents": {"greet": {"threshold": 0.5, "max_grievance": "low"}}},
            "max_grievance must be a number",
        ),
    ],
)
def test_bad_routing_file_names_the_problem(raw, message):
    with pytest.raises(RoutingConfigError, match=message):
        parse_routing(raw)


def test_every_routing_reason_has_chinese_wording_for_agents():
    from desk.routing import REASONS, RouteDecision
    from desk.texts import route_reason

    params = {
        "intent": "ask_size",
        "confidence": 0.5,
        "threshold": 0.6,
        "mode": "bot_first",
        "word": "x",
        "grievance": 0.2,
        "max_grievance": 0.05,
        "tone": 0.7,
        "max_tone": 0.5,
    }
    for code in REASONS:
        shown = route_reason(RouteDecision(False, code, params))
        assert shown and not shown.isascii(), f"{code} is shown to agents as {shown!r}"


@pytest.mark.parametrize("confidence", [0.907, 0.9099, 0.5])
def test_a_confidence_just_below_its_threshold_never_reads_as_equal_to_it(confidence):
    # An agent once read "置信度 0.91 低于 greet 的阈值 0.91": rounding hid why the draft waited.
    from desk.texts import route_reason

    config = RoutingConfig(intents={"greet": IntentRoute(auto_send=True, threshold=0.91)})
    decision = _decide(config, intent="greet", confidence=confidence)
    shown = route_reason(decision)
    assert decision.code == "below_threshold"
    assert "0.91" in shown and shown.count("0.91") == 1, shown


def test_a_confidence_with_two_decimals_is_shown_as_it_is():
    from desk.texts import route_reason

    config = RoutingConfig(intents={"greet": IntentRoute(auto_send=True, threshold=0.91)})
    assert "0.29" in route_reason(_decide(config, intent="greet", confidence=0.29))


@pytest.mark.parametrize(
    "text",
    ["转人工 发票抬头开错了怎么改", "人工客服，包裹显示签收了", "叫你们店長出來", "我要真人 不要机器人"],
)
def test_a_buyer_who_asks_for_a_person_gets_an_agent_whatever_the_intent(text):
    """The model may read "转人工 + a question" as the question: the shop's words still send it to a person."""
    from desk.texts import route_reason

    shipped = load_routing(RESPONSES_DIR / "routing.yml")
    config = dataclasses.replace(shipped, intents={"ask_invoice": IntentRoute(True, 0.5)})
    decision = _decide(config, intent="ask_invoice", confidence=0.99, agents_on_duty=False, text=text)
    assert not decision.auto_send
    assert decision.code == "agent_word"
    assert decision.params["word"] in text
    assert decision.params["word"] in route_reason(decision)
    # The same question without the words goes out on its own.
    plain = _decide(
        config, intent="ask_invoice", confidence=0.99, agents_on_duty=False, text="发票抬头开错了怎么改"
    )
    assert plain.auto_send


def test_agent_words_match_in_any_case_and_only_where_written():
    config = parse_routing(
        {
            "mode": "bot_first",
            "agent_words": ["VIP"],
            "intents": {"greet": {"auto_send": True, "threshold": 0.5}},
        }
    )
    assert _decide(config, intent="greet", confidence=0.9, text="找vip客服").code == "agent_word"
    assert _decide(config, intent="greet", confidence=0.9, text="你好").auto_send
    assert _decide(config, intent="greet", confidence=0.9).auto_send  # no text known: nothing to match


def test_gateway_and_threshold_chooser_hold_the_same_messages_for_agent_words():
    from nlu.evaluation.autosend import hold_agent_words

    words = ["人工", "店长", "VIP"]
    config = parse_routing({"agent_words": words})
    texts = ["转人工", "店长呢", "vip通道", "你好", "发票怎么开"]
    held = hold_agent_words([("greet", "greet", 0.9)] * len(texts), texts, words)
    assert [p.confidence == 0.0 for p in held] == [config.agent_word_in(t) is not None for t in texts]


def _ranking(**confidences: float) -> list[dict]:
    return [{"name": name, "confidence": c} for name, c in confidences.items()]


def test_a_draft_the_model_half_reads_as_a_complaint_waits_for_an_agent():
    """A flat report ("still not here") read as an order-status question with some weight on
    complain is held where the intent has a grievance cap; a clean reading still goes out."""
    from desk.routing import grievance_share
    from desk.texts import route_reason

    config = parse_routing(
        {"intents": {"ask_order_status": {"auto_send": True, "threshold": 0.7, "max_grievance": 0.05}}}
    )
    doubtful = _ranking(
        ask_order_status=0.8, complain=0.12, request_return=0.03, request_human=0.01, thank=0.04
    )
    clean = _ranking(ask_order_status=0.95, complain=0.01, request_return=0.01, request_human=0.0, thank=0.03)
    held = _decide(
        config,
        intent="ask_order_status",
        confidence=0.8,
        grievance=grievance_share(doubtful),
        agents_on_duty=False,
    )
    assert not held.auto_send and held.code == "grievance_doubt"
    assert "0.16" in route_reason(held) and "0.05" in route_reason(held)
    sent = _decide(
        config,
        intent="ask_order_status",
        confidence=0.95,
        grievance=grievance_share(clean),
        agents_on_duty=False,
    )
    assert sent.auto_send
    # An intent without a cap is not held for it, and a draft whose reading is unknown
    # (no ranking) is held only where there is a cap.
    uncapped = parse_routing({"intents": {"ask_order_status": {"auto_send": True, "threshold": 0.7}}})
    assert _decide(uncapped, intent="ask_order_status", confidence=0.8, grievance=1.0).auto_send
    assert _decide(
        config, intent="ask_order_status", confidence=0.95, grievance=grievance_share([])
    ).code == ("grievance_doubt")


@pytest.mark.parametrize(
    "ranking",
    [
        {"ask_order_status": 0.8, "complain": 0.12, "request_return": 0.03, "request_human": 0.01},
        {"thank": 0.6, "goodbye": 0.3, "complain": 0.02},  # two grievance intents not listed
        {"nlu_fallback": 0.3, "greet": 0.5, "complain": 0.1, "request_return": 0.1, "request_human": 0.1},
        {},
    ],
)
def test_gateway_and_threshold_chooser_measure_grievance_alike(ranking):
    from desk.routing import grievance_share
    from nlu.evaluation.autosend import grievance_share as chooser_share

    assert grievance_share(_ranking(**ranking)) == pytest.approx(chooser_share(ranking.items()))


def test_a_truncated_ranking_counts_what_it_leaves_out_as_possible_grievance():
    from desk.routing import grievance_share

    # complain is listed; return and human are not, so the 0.1 left unlisted may be theirs.
    assert grievance_share(_ranking(thank=0.8, complain=0.1)) == pytest.approx(0.2)
    assert grievance_share(_ranking(thank=0.9, complain=0.05, request_return=0.03, request_human=0.02)) == (
        pytest.approx(0.1)
    )


def test_the_pipeline_reads_the_grievance_share_from_the_models_ranking():
    from desk.pipeline import build_draft
    from desk.rasa_client import RasaTurn

    config = parse_routing(
        {
            "mode": "bot_first",
            "intents": {"ask_order_status": {"auto_send": True, "threshold": 0.7, "max_grievance": 0.05}},
        }
    )

    def draft(ranking: dict) -> str:
        turn = RasaTurn(
            text="x",
            intent="ask_order_status",
            confidence=0.9,
            intent_ranking=_ranking(**ranking),
            messages=[{"text": "亲，您的订单已经发货了，物流信息可以在订单详情里查看哦。"}],
        )
        return build_draft(
            turn, routing=config, check_context=None, agents_on_duty=False, now=IN_HOURS
        ).decision.code

    assert (
        draft({"ask_order_status": 0.9, "complain": 0.08, "request_return": 0.01, "request_human": 0.01})
        == "grievance_doubt"
    )
    assert (
        draft({"ask_order_status": 0.9, "complain": 0.02, "request_return": 0.01, "request_human": 0.0})
        == "auto"
    )


def test_the_models_own_grievance_share_counts_over_its_ranking():
    """The parse's `grievance` (the regression's share, over every intent) decides when
    Rasa gives it; a ranking that looks clean does not override it, nor the reverse."""
    from desk.pipeline import build_draft
    from desk.rasa_client import RasaTurn

    config = parse_routing(
        {
            "mode": "bot_first",
            "intents": {"ask_invoice": {"auto_send": True, "threshold": 0.5, "max_grievance": 0.05}},
        }
    )
    clean = _ranking(ask_invoice=0.9, complain=0.01, request_return=0.0, request_human=0.0, thank=0.05)
    worried = _ranking(ask_invoice=0.7, complain=0.2, request_return=0.05, request_human=0.0, thank=0.05)

    def decision(ranking: list[dict], own: float | None) -> str:
        turn = RasaTurn(
            text="x",
            intent="ask_invoice",
            confidence=0.9,
            intent_ranking=ranking,
            messages=[{"text": "亲，电子发票会在确认收货后开具哦。"}],
            grievance=own,
        )
        return build_draft(
            turn, routing=config, check_context=None, agents_on_duty=False, now=IN_HOURS
        ).decision.code

    assert decision(clean, 0.12) == "grievance_doubt"
    assert decision(worried, 0.01) == "auto"
    assert decision(clean, None) == "auto" and decision(worried, None) == "grievance_doubt"
    from desk.routing import grievance_share

    assert grievance_share(worried, 0.01) == pytest.approx(0.01)


def test_the_gateway_reads_the_cap_the_chooser_wrote() -> None:
    import yaml

    from nlu.evaluation.autosend import Rule
    from nlu.evaluation.routing_file import update_text

    routing = "intents:\n  greet:   {auto_send: true,  threshold: 0.60}\n  thank:   {auto_send: true,  threshold: 0.60}\n"
    written = update_text(routing, {"greet": Rule(0.4, 0.05), "thank": Rule(0.5)})
    config = parse_routing(yaml.safe_load(written))
    assert config.route_for("greet").max_grievance == 0.05
    assert config.route_for("thank").max_grievance == 1.0


def test_the_complaint_tone_holds_a_draft_above_its_cap_and_an_unknown_tone_counts_as_all_of_it():
    from desk.routing import complaint_tone
    from desk.texts import route_reason

    config = parse_routing(
        {"intents": {"ask_invoice": {"auto_send": True, "threshold": 0.5, "max_tone": 0.5}}}
    )
    calm = _decide(config, intent="ask_invoice", confidence=0.9, grievance=0.0, tone=0.5)
    assert calm.auto_send
    cross = _decide(config, intent="ask_invoice", confidence=0.9, grievance=0.0, tone=0.501)
    assert cross.code == "tone_doubt" and cross.params["max_tone"] == 0.5
    shown = route_reason(cross)
    assert "0.51" in shown and shown.count("0.50") == 1, shown  # never "0.50 over 0.50"
    assert complaint_tone(None) == 1.0 and complaint_tone(float("nan")) == 1.0
    assert complaint_tone(0.3) == 0.3
    # Without a cap the tone changes nothing.
    assert _decide(config, intent="greet", confidence=0.9, grievance=0.0, tone=1.0).code != "tone_doubt"
    with pytest.raises(RoutingConfigError, match="max_tone"):
        parse_routing({"intents": {"ask_invoice": {"auto_send": True, "threshold": 0.5, "max_tone": 2}}})


def test_a_grievance_share_just_above_its_cap_never_reads_as_equal_to_it():
    from desk.texts import route_reason

    config = parse_routing(
        {"intents": {"thank": {"auto_send": True, "threshold": 0.5, "max_grievance": 0.03}}}
    )
    decision = _decide(config, intent="thank", confidence=0.9, grievance=0.0301)
    assert decision.code == "grievance_doubt"
    shown = route_reason(decision)
    assert "0.04" in shown and shown.count("0.03") == 1, shown
