"""Small pure parts: the gate, the upstream follower, inbox grouping, progress parsing, state."""

from __future__ import annotations

import importlib.util
import os
import shutil
from datetime import datetime, timezone
from types import SimpleNamespace

from paths import PROJECT_ROOT
from stack.upstream import UpstreamFollower, write_upstream
from trainer import state as st
from trainer.gate import gate
from trainer.inbox import group_counts, render, select
from trainer.training import Progress


def _scores(macro: float, **f1: float) -> dict:
    return {"macro_f1": macro, "per_intent": {k: {"f1": v} for k, v in f1.items()}}


def test_gate_thresholds():
    live = _scores(0.900, a=0.90, b=0.90)
    assert gate({"models": {"candidate": _scores(0.896, a=0.90, b=0.89), "live": live}}) == []
    refused = gate({"models": {"candidate": _scores(0.894, a=0.90, b=0.86), "live": live}})
    assert (
        len(refused) == 2 and "macro-F1 drops 0.6" in refused[0] and refused[1].startswith("b: F1 drops 4.0")
    )
    assert gate({"models": {"candidate": _scores(0.5, a=0.5)}}) == []  # nothing live yet
    assert gate({"models": {"candidate": _scores(0.9, a=0.9), "live": _scores(0.9, a=0.9, gone=0.5)}}) == [
        "gone: F1 drops 50.0 points (0.500 → 0.000), more than 3"
    ]


def test_upstream_follower_sees_atomic_switches(tmp_path):
    path = tmp_path / "run" / "upstream.json"
    follower = UpstreamFollower(path, ["http://a"])
    assert follower.urls() == ["http://a"]  # no file: the configured servers
    write_upstream(path, ["http://b/"], pids=[os.getpid()])
    assert follower.urls() == ["http://b"]
    write_upstream(path, ["http://c", "http://d"], pids=[os.getpid()])
    assert follower.urls() == ["http://c", "http://d"]
    path.write_text("{broken", encoding="utf-8")
    assert follower.urls() == ["http://c", "http://d"]  # a broken file keeps the last good list
    assert not [p for p in path.parent.iterdir() if p.name != "upstream.json"]  # no temp files left


def _item(i: int, text: str, **kw) -> SimpleNamespace:
    base = dict(
        id=i,
        text=text,
        model_intent="ask_promotion",
        confidence=0.41,
        runner_up_intent="bargain",
        runner_up_confidence=0.39,
        reason="low_confidence",
        agent_intent=None,
        status="new",
        created_at=datetime(2026, 11, 20 + i % 3, 9, 0),
    )
    return SimpleNamespace(**{**base, **kw})


def test_inbox_groups_similar_messages_and_filters():
    items = [
        _item(1, "能便宜点吗"),
        _item(2, "能便宜點嗎？"),
        _item(3, "能便宜一点吗"),
        _item(
            4, "我的快递到哪了", model_intent="ask_order_status", reason="rejected", agent_intent="complain"
        ),
    ]
    rows = group_counts(items)
    assert [r.similar for r in rows] == [3, 3, 3, 1]
    text = render(rows)
    assert "similar messages: 3" in text and "ask_promotion 41%, runner-up bargain 39%" in text
    assert "agent picked / 客服选了: complain" in text
    assert [i.id for i in select(items, intent="complain")] == [4]
    since = datetime(2026, 11, 21, tzinfo=timezone.utc)
    assert [i.id for i in select(items, since=since)] == [1, 2, 4]


def test_progress_reads_rasa_and_tqdm_output():
    p = Progress()
    assert p.feed(
        "2026 INFO rasa.engine.training.hooks  - Restored component 'CountVectorsFeaturizer' from cache."
    )
    assert p.feed("INFO  - Starting to train component 'DIETClassifier'.")
    p.feed("Epochs:  45%|████▌     | 45/100 [00:05<00:06, 9.1it/s, t_loss=1.2]")
    assert (p.stage, p.percent, p.restored) == ("training DIETClassifier", 45, 1)
    assert "45%" in p.line(3.0) and "1 reused from cache" in p.line(3.0)
    assert p.feed("INFO  - Finished training component 'DIETClassifier'.")
    p.feed("INFO  - Starting to train component 'RulePolicy'.")
    assert p.percent is None and "%" not in p.line(4.0) and "1 trained" in p.line(4.0)


def test_state_round_trip(tmp_path):
    s = st.load(tmp_path)
    assert s.live is None and s.history == []
    s.live, s.candidate = "models/a.tar.gz", "models/b.tar.gz"
    s.promotions.append({"action": "promote", "by": "amy"})
    st.save(tmp_path, s)
    assert st.load(tmp_path) == s


def _train_module():
    spec = importlib.util.spec_from_file_location("train_script", PROJECT_ROOT / "scripts" / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy_training_inputs(target):
    """What scripts/train.py hashes for config.yml and the baseline (rules and stories aside)."""
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, target / name)
    for name in ("data/nlu", "data/lexicon", "nlu"):
        shutil.copytree(PROJECT_ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))


def test_a_changed_dictionary_or_pattern_file_names_a_new_model(tmp_path):
    """scripts/train.py hashes the lexicon and the term list: a new model, never a stale cached one."""
    train = _train_module()
    _copy_training_inputs(tmp_path)
    first = train.model_path(tmp_path)
    userdict = tmp_path / "data" / "lexicon" / "jieba" / "userdict.txt"
    userdict.write_text(userdict.read_text(encoding="utf-8") + "显瘦款 10 n\n", encoding="utf-8")
    second = train.model_path(tmp_path)
    assert second != first
    pattern = tmp_path / "nlu" / "text" / "shop_terms.txt"
    pattern.write_text(pattern.read_text(encoding="utf-8") + "\n新词\n", encoding="utf-8")
    assert train.model_path(tmp_path) not in (first, second)
    os.utime(userdict)  # touching without a change keeps the name
    assert train.model_path(tmp_path) not in (first, second)


def test_a_stock_config_keeps_its_model_when_our_code_changes(tmp_path):
    """The evaluation's baseline uses no component of ours: nlu/ changes must not force its 20-minute retrain."""
    train = _train_module()
    _copy_training_inputs(tmp_path)
    ours, stock = (
        train.model_path(tmp_path),
        train.model_path(tmp_path, "nlu/evaluation/baseline_config.yml", "baseline-"),
    )
    (tmp_path / "nlu" / "text" / "normalize.py").write_text("# changed\n", encoding="utf-8")
    assert train.model_path(tmp_path, "nlu/evaluation/baseline_config.yml", "baseline-") == stock
    assert train.model_path(tmp_path) != ours
    examples = tmp_path / "data" / "nlu" / "greet_more.yml"
    examples.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 老板好\n', encoding="utf-8"
    )
    assert train.model_path(tmp_path, "nlu/evaluation/baseline_config.yml", "baseline-") != stock
