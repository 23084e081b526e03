"""The benchmark harness's pure parts: statistics and the conversation file (no servers, no timings)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.conversations import ConversationError, domain_intents, load_conversations
from bench.load import NoReply, conversation_for, run_phase
from bench.stats import percentile, ratio, summarize
from bot.rasa_client import RasaUnavailable
from shop.paths import PROJECT_ROOT


def test_percentile_interpolates_between_ranks():
    values = [0.4, 0.1, 0.3, 0.2, 0.5]
    assert percentile(values, 0) == 0.1
    assert percentile(values, 50) == 0.3
    assert percentile(values, 100) == 0.5
    assert percentile(values, 95) == pytest.approx(0.48)
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summarize_reports_milliseconds_and_throughput():
    summary = summarize([0.010, 0.020, 0.030, 0.040], elapsed_s=2.0, errors=1)
    assert summary["messages"] == 4
    assert summary["errors"] == 1
    assert summary["throughput_mps"] == 2.0
    assert summary["p50_ms"] == 25.0
    assert summary["max_ms"] == 40.0
    assert "p95_ms" not in summarize([], elapsed_s=1.0)


def test_ratio_handles_missing_values():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0) is None


def test_conversation_file_covers_every_intent_with_demo_buyers():
    intents = domain_intents(PROJECT_ROOT / "domain.yml")
    conversations = load_conversations(intents=intents)
    assert len(conversations) >= 12
    assert all(len(c.turns) == 10 for c in conversations)
    assert {t.intent for c in conversations for t in c.turns} == intents
    assert {c.buyer for c in conversations} == {"tb_linlin", "tb_ahua", "tb_newbie"}


def test_loader_rejects_unknown_buyers_and_intents(tmp_path: Path):
    bad = tmp_path / "c.yml"
    bad.write_text("conversations:\n  - {name: a, buyer: nobody, turns: [[greet, 你好]]}\n", encoding="utf-8")
    with pytest.raises(ConversationError, match="buyer"):
        load_conversations(bad)
    bad.write_text("conversations:\n  - {name: a, buyer: tb_ahua, turns: [[sing, 唱歌]]}\n", encoding="utf-8")
    with pytest.raises(ConversationError, match="unknown intent"):
        load_conversations(bad, intents=frozenset({"greet"}))


def test_a_buyer_slot_keeps_its_demo_account_across_rounds():
    conversations = load_conversations()
    for slot in range(len(conversations)):
        first = conversation_for(conversations, slot, 0)
        assert first is conversations[slot]
        assert {conversation_for(conversations, slot, r).buyer for r in range(5)} == {first.buyer}


def test_run_phase_is_closed_loop_and_counts_errors():
    conversations = load_conversations()
    in_flight: dict[str, int] = {}

    async def send(conversation_id, slot, conversation, index):
        in_flight[conversation_id] = in_flight.get(conversation_id, 0) + 1
        assert in_flight[conversation_id] == 1  # one message per chat in flight
        await asyncio.sleep(0)
        in_flight[conversation_id] -= 1
        if index == 9:
            raise RuntimeError("dropped")
        if index == 7 and slot == 0:
            try:
                raise ConnectionResetError("reset by peer")
            except ConnectionResetError as exc:
                raise RasaUnavailable("ConnectionResetError at http://rasa") from exc
        if index == 8:
            raise NoReply(conversation.turns[index].intent)
        return conversation.turns[index].intent

    result = asyncio.run(run_phase("t", send, conversations, buyers=3, rounds=1, max_s=30, run_id="x"))
    assert len(result.latencies) == 26  # a draft without text is an answer, not a drop
    assert result.errors["RuntimeError"] == 3
    # A wrapped error says what was underneath: a refused connection and a reset one differ.
    assert result.errors["RasaUnavailable (ConnectionResetError)"] == 1
    assert result.summary()["no_reply_drafts"] == 3
    assert result.summary()["intent_agreement"] == 1.0


def test_a_target_is_judged_on_the_exact_ratio_not_the_rounded_one():
    from bench.report import targets

    training = {"from_scratch_s": 35.0, "worker_scratch_s": 30.4, "retrain_worker_s": 15.3}
    [retrain] = [t for t in targets({"training": training}) if t["target"].startswith("retrain")]
    assert retrain["value"] == 0.503  # 15.3 / 30.4, shown rounded to three places
    assert retrain["met"] is False
    training["retrain_worker_s"] = 15.2
    [retrain] = [t for t in targets({"training": training}) if t["target"].startswith("retrain")]
    assert retrain["met"] is True
