"""The benchmark harness's pure parts: statistics and the conversation file (no servers, no timings)."""

from __future__ import annotations

import asyncio
import json
import pickle
from pathlib import Path

import pytest

from bench.conversations import ConversationError, domain_intents, load_conversations
from bench.load import NoReply, conversation_for, run_phase
from bench.stats import percentile, ratio, summarize
from desk.rasa_client import RasaUnavailable
from paths import PROJECT_ROOT


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


def test_noop_actions_answer_every_custom_action_of_the_domain_at_once():
    from rasa_sdk import Action, Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.utils import all_subclasses

    from bench.noop_actions import NOOP_ACTIONS, REPLY, custom_action_names

    names = custom_action_names()
    assert "action_order_status" in names and "action_listen" not in names
    assert sorted(cls().name() for cls in NOOP_ACTIONS) == sorted(names)
    assert set(NOOP_ACTIONS) <= set(all_subclasses(Action))  # what rasa-sdk registers
    # Sanic's worker process gets the registered `run` methods pickled.
    runs = [cls().run for cls in NOOP_ACTIONS]
    assert [m.__self__.name() for m in pickle.loads(pickle.dumps(runs))] == names
    tracker = Tracker("c1", {}, {}, [], False, None, {}, "action_listen")
    for cls in NOOP_ACTIONS:
        dispatcher = CollectingDispatcher()
        assert asyncio.run(cls().run(dispatcher, tracker, {})) == []
        assert [m["text"] for m in dispatcher.messages] == [REPLY]


def test_the_report_builds_the_e2e_turn_up_from_the_floor():
    from bench.report import markdown, rasa_share, targets

    phases = {
        "nlu_parse_c1": {"p50_ms": 8.0, "throughput_mps": 120.0},
        "nlu_parse_c32": {"p50_ms": 100.0, "throughput_mps": 250.0},
        "turn_noop_c1": {"p50_ms": 14.0, "throughput_mps": 70.0},
        "turn_noop_c32": {"p50_ms": 230.0, "throughput_mps": 125.0},
        "turn_sqlite_c32": {"p50_ms": 280.0, "throughput_mps": 100.0},
        "ours_sqlite_c32": {"p50_ms": 320.0, "throughput_mps": 90.0},
    }
    rows = rasa_share({"phases": phases})
    assert [r["phase"] for r in rows] == [
        "nlu_parse_c32",
        "turn_noop_c32",
        "turn_sqlite_c32",
        "ours_sqlite_c32",
    ]
    assert [r["p50_vs_floor"] for r in rows] == [1.0, 2.3, 2.8, 3.2]
    assert rows[1]["cost_vs_floor"] == 2.0  # 250 / 125 msg/s
    [p50] = [t for t in targets({"phases": phases}) if t["target"].startswith("e2e p50")]
    assert p50["met"] is False and p50["note"] == "a turn whose actions do nothing: 2.300"
    text = markdown({"phases": phases})
    assert "## What is Rasa's" in text and "takes 1.75x a bare parse" in text
    # Without the extra phases (an older run, or --quick): no section, no note.
    del phases["turn_noop_c32"], phases["turn_sqlite_c32"], phases["turn_noop_c1"]
    assert "What is Rasa's" not in markdown({"phases": phases})


def test_a_quality_report_is_read_for_its_own_models_wherever_it_was_written(tmp_path: Path):
    from bench.run import read_quality_report

    def pipeline(model: str, f1: float) -> dict:
        return {"model": model, "heldout": {"intent": {"macro_f1": f1}}}

    report = tmp_path / "nlu" / "report.json"  # `--out` outside the project
    report.parent.mkdir()
    data = {"date": "d", "heldout_messages": 398, "pipelines": {}}
    data["pipelines"] = {
        "ours": pipeline("ours-1.tar.gz", 0.95391),
        "baseline": pipeline("b-1.tar.gz", 0.9187),
    }
    report.write_text(json.dumps(data), encoding="utf-8")
    found = read_quality_report(report, Path("models/ours-1.tar.gz"), Path("models/b-1.tar.gz"))
    assert found == {
        "source": str(report),
        "date": "d",
        "heldout_messages": 398,
        "ours_macro_f1": 0.9539,
        "baseline_macro_f1": 0.9187,
    }
    assert read_quality_report(report, Path("models/ours-2.tar.gz"), Path("models/b-1.tar.gz")) is None
    assert read_quality_report(tmp_path / "missing.json", Path("o"), Path("b")) is None


def test_the_nlu_quality_line_shows_the_real_buyer_figures(tmp_path: Path):
    from bench.report import markdown
    from bench.run import read_quality_report

    def part(large: float, accuracy: float) -> dict:
        return {"macro_f1_large": large, "intent": {"accuracy": accuracy}}

    whole = {
        **part(0.6421, 0.654),
        "autosend": {"overall": {"coverage": 0.1165, "wrong_rate": 0.0115, "harmful": 0}},
    }
    labelled = {
        "file": "/x/dev.tsv",
        "messages": 1494,
        "min_rows": 20,
        "whole": whole,
        "check": part(0.654, 0.66),
    }
    data = {
        "date": "d",
        "heldout_messages": 398,
        "pipelines": {
            "ours": {"model": "o.tar.gz", "heldout": {"intent": {"macro_f1": 0.954}}, "labelled": labelled},
            "baseline": {"model": "b.tar.gz", "heldout": {"intent": {"macro_f1": 0.919}}},
        },
    }
    report = tmp_path / "report.json"
    report.write_text(json.dumps(data), encoding="utf-8")
    found = read_quality_report(report, Path("o.tar.gz"), Path("b.tar.gz"))
    text = markdown({"nlu_quality": {**found, "reused": True}})
    assert (
        "Real buyers (dev.tsv, 1494 messages), ours: macro-F1 over the intents with >= 20 rows 0.6421 "
        "(check half 0.654), accuracy 0.654; auto-sent 11.7% of messages, 1.1% of them wrong, 0 harmful."
    ) in text


def test_the_stock_reference_is_the_true_one_when_trained_else_one_that_fits_the_run(monkeypatch, tmp_path):
    import bench.run as run

    trained: set[str] = set()
    calls: list[str] = []

    def write_stock_config(epochs=None):
        return ("stock.yml", "stock-") if epochs is None else (f"stock_e{epochs}.yml", f"stock-e{epochs}-")

    def model_if_trained(config, prefix):
        return Path(f"models/{prefix}x.tar.gz") if config in trained else None

    def train_model(config, prefix, log_dir):
        calls.append(config)
        trained.add(config)
        return Path(f"models/{prefix}x.tar.gz")

    monkeypatch.setattr(run, "write_stock_config", write_stock_config)
    monkeypatch.setattr(run, "model_if_trained", model_if_trained)
    monkeypatch.setattr(run, "train_model", train_model)

    # A fresh clone: nothing trained. The 300-epoch stock model would not fit in 15 minutes.
    stock, baseline, notes = run.reference_models(run.Options(out=tmp_path), tmp_path)
    assert calls == [f"stock_e{run.FRESH_STOCK_EPOCHS}.yml"]
    assert stock.name.startswith(f"stock-e{run.FRESH_STOCK_EPOCHS}-") and baseline is None
    assert "--full-stock" in notes[0]

    # --full-stock: the baseline first (the stock model reuses its NLU), then the true stock model.
    calls.clear()
    stock, baseline, notes = run.reference_models(run.Options(out=tmp_path, full_stock=True), tmp_path)
    assert calls == [run.BASELINE[0], "stock.yml"]
    assert stock.name == "stock-x.tar.gz" and baseline is not None and notes == []

    # Once trained, every run uses the true one; an explicit --stock-epochs still wins.
    calls.clear()
    stock, _, notes = run.reference_models(run.Options(out=tmp_path), tmp_path)
    assert calls == [] and stock.name == "stock-x.tar.gz" and notes == []
    stock, _, notes = run.reference_models(run.Options(out=tmp_path, stock_epochs=5), tmp_path)
    assert calls == ["stock_e5.yml"] and "5 epochs" in notes[0]
