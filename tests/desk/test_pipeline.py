"""Turning Rasa's answer into a routed draft: texts, metadata, policy, route."""

from datetime import datetime, timezone

from desk.pipeline import build_draft, split_messages
from desk.rasa_client import RasaTurn, sticky_index
from desk.routing import parse_routing

ROUTING = parse_routing({"mode": "bot_first", "intents": {"ask_size": {"auto_send": True, "threshold": 0.8}}})
NOW = datetime(2026, 11, 24, 4, 0, tzinfo=timezone.utc)


def _turn(messages, intent="ask_size", confidence=0.95):
    return RasaTurn(text="162 115斤 0201穿什么码", intent=intent, confidence=confidence, messages=messages)


def test_texts_and_metadata_are_separated():
    meta = {"action": "action_size_advice", "handoff": False, "rule": "size_fit_all"}
    texts, found = split_messages([{"text": "亲，建议您选M码哦"}, {"custom": {"draft": meta}}])
    assert texts == ["亲，建议您选M码哦"]
    assert found == meta


def test_a_compliant_confident_draft_is_auto_sent():
    draft = build_draft(
        _turn([{"text": "亲，建议您选M码哦，仅供参考～"}, {"custom": {"draft": {"handoff": False}}}]),
        routing=ROUTING,
        check_context=None,
        now=NOW,
    )
    assert draft.auto_send
    assert draft.as_json() == {
        "text": "162 115斤 0201穿什么码",
        "intent": "ask_size",
        "confidence": 0.95,
        "replies": ["亲，建议您选M码哦，仅供参考～"],
        "auto_send": True,
        "handoff": False,
        "policy_violations": [],
    }


def test_a_draft_against_policy_waits_for_an_agent_with_the_reason():
    draft = build_draft(
        _turn([{"text": "这个不知道，加微信问吧"}]), routing=ROUTING, check_context=None, now=NOW
    )
    assert not draft.auto_send
    assert draft.as_json()["policy_violations"], "the agent must see why"
    assert "policy" in draft.decision.reason


def test_no_reply_from_rasa_means_an_agent_must_answer():
    draft = build_draft(_turn([]), routing=ROUTING, check_context=None, now=NOW)
    assert draft.handoff and not draft.auto_send
    assert draft.meta["handoff_reason"] == "no_reply"


def test_action_handoff_is_never_auto_sent():
    turn = _turn([{"text": "亲，已为您转接人工客服～"}, {"custom": {"draft": {"handoff": True}}}])
    assert not build_draft(turn, routing=ROUTING, check_context=None, now=NOW).auto_send


def test_a_conversation_always_goes_to_the_same_rasa_server():
    picks = {sticky_index("telegram:42", 3) for _ in range(20)}
    assert len(picks) == 1
    spread = {sticky_index(f"telegram:{n}", 3) for n in range(60)}
    assert spread == {0, 1, 2}
