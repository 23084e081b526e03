"""The evaluation's metric computations on small hand-made tables (exact numbers)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from nlu.evaluation import metrics as m
from nlu.evaluation.data import (
    load_examples,
    stratified_folds,
    to_traditional,
    traditional_examples,
    training_extras,
    write_nlu_yaml,
)
from nlu.evaluation.labelled import score_labelled
from nlu.evaluation.report import write_markdown
from nlu.evaluation.tsv import LabelledFileError, load_tsv, split_halves

GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


def test_intent_report_exact_numbers() -> None:
    report = m.intent_report(GOLD, PRED)
    a, b, c = (report["per_intent"][k] for k in "abc")
    assert (a["precision"], a["recall"], a["f1"], a["support"]) == (1.0, pytest.approx(2 / 3), 0.8, 3)
    assert (b["precision"], b["recall"], b["f1"]) == (0.5, 0.5, 0.5)
    assert (c["precision"], c["recall"], c["f1"]) == (0.5, 1.0, pytest.approx(2 / 3))
    assert report["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert report["macro_precision"] == pytest.approx(2 / 3)
    assert report["accuracy"] == pytest.approx(4 / 6)


def test_intent_report_unseen_prediction_and_zero_division() -> None:
    # nlu_fallback is never gold: it costs recall but gets no macro row.
    report = m.intent_report(["a", "b"], ["a", "nlu_fallback"])
    assert set(report["per_intent"]) == {"a", "b"}
    assert report["per_intent"]["b"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert report["macro_f1"] == 0.5
    with pytest.raises(ValueError):
        m.intent_report(["a"], [])


def test_served_intent_maps_fallback_to_out_of_scope() -> None:
    assert m.served_intent("nlu_fallback") == "out_of_scope"
    assert m.served_intent("greet") == "greet"


def test_confusion_matrix_and_text() -> None:
    table = m.confusion(GOLD, PRED)
    assert table == {"labels": ["a", "b", "c"], "matrix": [[2, 1, 0], [0, 1, 1], [0, 0, 1]]}
    assert m.top_confusions(table) == [("a", "b", 1), ("b", "c", 1)]
    text = m.confusion_text(table)
    assert "0=a" in text and text.splitlines()[2].split()[-3:] == ["2", "1", "."]


def _ent(entity: str, value: object, start: int, end: int) -> dict:
    return {"entity": entity, "value": value, "start": start, "end": end}


def test_entity_report_value_span_exact() -> None:
    gold = [
        [_ent("height", "162", 2, 5), _ent("weight", "57.5", 7, 11)],
        [_ent("color", "红色", 0, 2)],
        [_ent("size", "M", 3, 4)],
    ]
    ours = [
        [_ent("height", 162, 2, 5), _ent("weight", 57.5, 7, 10)],  # weight: value ok, span short
        [_ent("color", "蓝色", 0, 2)],  # right span, wrong value
        [_ent("size", "M", 3, 4), _ent("size", "L", 6, 7)],  # one extra prediction
    ]
    report = m.entity_report(gold, ours)
    per = report["per_entity"]
    assert per["height"] == {
        "gold": 1,
        "predicted": 1,
        "value_match": 1.0,
        "span_match": 1.0,
        "exact_recall": 1.0,
        "exact_precision": 1.0,
    }
    keys = ("value_match", "span_match", "exact_recall")
    assert [per["weight"][k] for k in keys] == [1, 0, 0]
    assert [per["color"][k] for k in keys] == [0, 1, 0]
    assert per["size"]["exact_recall"] == 1.0 and per["size"]["exact_precision"] == 0.5
    overall = report["overall"]
    assert (overall["gold"], overall["predicted"]) == (4, 5)
    assert overall["exact_recall"] == 0.5 and overall["exact_precision"] == pytest.approx(2 / 5)


def test_percentile_matches_linear_interpolation() -> None:
    values = [10.0, 1.0, 4.0, 2.0, 3.0]
    assert m.percentile(values, 50) == 3.0
    assert m.percentile(values, 95) == pytest.approx(8.8)  # 4 + 0.8 * (10 - 4)
    assert m.percentile([], 95) == 0.0


def test_fallback_outcome_replays_threshold_and_ambiguity() -> None:
    gold = ["a", "b", "c", "out_of_scope"]
    ranked = [
        [("a", 0.9), ("b", 0.1)],  # confident and right: kept
        [("c", 0.4), ("b", 0.3)],  # unsure and wrong: falls back
        [("c", 0.6), ("a", 0.58)],  # ambiguous but right: thrown away
        [("a", 0.3), ("b", 0.2)],  # unsure, served as out_of_scope: right
    ]
    outcome = m.fallback_outcome(gold, ranked, threshold=0.5, ambiguity=0.05)
    assert (outcome["fallbacks"], outcome["fallbacks_wrong"], outcome["correct_thrown_away"]) == (3, 2, 1)
    assert outcome["served_accuracy"] == 0.5


def test_traditional_conversion_keeps_entity_offsets() -> None:
    assert to_traditional("这件衣服发货了吗 顺丰到哪了") == "這件衣服發貨了嗎 順豐到哪了"
    examples = [{"text": "红色这件162cm", "intent": "ask_size", "entities": [_ent("height", "162", 4, 7)]}]
    (converted,) = traditional_examples(examples)
    assert converted["text"] == "紅色這件162cm"
    assert converted["entities"] == examples[0]["entities"] and converted["entities_dropped"] == 0
    assert converted["text"][4:7] == "162"


def test_stratified_folds_partition_and_balance() -> None:
    examples = [{"text": str(i), "intent": "ab"[i % 2], "entities": []} for i in range(20)]
    folds = stratified_folds(examples, 5)
    assert sorted(i for f in folds for i in f) == list(range(20))
    assert all(len(f) == 4 and {examples[i]["intent"] for i in f} == {"a", "b"} for f in folds)
    assert folds == stratified_folds(examples, 5)  # seeded: reproducible
    with pytest.raises(ValueError):
        stratified_folds(examples, 1)


def test_written_fold_yaml_loads_back(tmp_path: Path) -> None:
    examples = [
        {"text": "我身高162 穿什么码", "intent": "ask_size", "entities": []},
        {"text": "你好", "intent": "greet", "entities": []},
    ]
    path = tmp_path / "train.yml"
    write_nlu_yaml(examples, path)
    assert sorted((e["text"], e["intent"]) for e in load_examples(path)) == sorted(
        (e["text"], e["intent"]) for e in examples
    )


def test_fold_data_keeps_the_lookup_tables(tmp_path: Path) -> None:
    """A fold is written from its examples; the RegexFeaturizer's lookup tables must come along."""
    from rasa.shared.nlu.training_data.loading import load_data

    source = tmp_path / "nlu"
    source.mkdir()
    write_nlu_yaml([{"text": "能便宜点吗", "intent": "bargain", "entities": []}], source / "bargain.yml")
    assert training_extras(source) == ""
    (source / "concepts.yml").write_text(
        'version: "3.1"\nnlu:\n- lookup: concept_price\n  examples: |\n    - 便宜\n    - 貴\n',
        encoding="utf-8",
    )
    fold = tmp_path / "fold"
    fold.mkdir()
    write_nlu_yaml([{"text": "少点吧", "intent": "bargain", "entities": []}], fold / "train.yml")
    (fold / "extras.yml").write_text(training_extras(source), encoding="utf-8")
    data = load_data(str(fold), language="zh")
    assert data.lookup_tables == [{"name": "concept_price", "elements": ["便宜", "貴"]}]
    assert [m.get("text") for m in data.intent_examples] == ["少点吧"]


def test_markdown_report_renders_without_cross_validation() -> None:
    held = {
        "intent": m.intent_report(GOLD, PRED),
        "confusion": m.confusion(GOLD, PRED),
        "entities": m.entity_report([[]], [[]]),
        "fallbacks": {"count": 0, "classifier_wrong": 0},
        "latency_ms": {"p50": 1.0, "p95": 2.0},
    }
    report = {
        "date": "2026-11-22",
        "machine": {"cpus": 2},
        "heldout_messages": 6,
        "pipelines": {
            "ours": {"config": "c.yml", "model": "x", "heldout": held, "heldout_traditional": held}
        },
    }
    text = write_markdown(report)
    assert "| ours | 65.6 | 66.7 | 65.6 | skipped | skipped | 1.0 / 2.0 | 0 (0) |" in text


# --- labelled TSV files (real buyers, a shop's own export) ---------------------------------

INTENTS = ["greet", "thank", "complain", "ask_size"]


def test_tsv_loads_with_or_without_header_and_source(tmp_path: Path) -> None:
    path = tmp_path / "shop.tsv"
    path.write_text("text\tlabel\tsource\n你好\tgreet\tshop@1\n\n多谢掌柜\tthank\n", encoding="utf-8")
    examples = load_tsv(path, INTENTS)
    assert [(e["text"], e["intent"], e["source"], e["line"]) for e in examples] == [
        ("你好", "greet", "shop@1", 2),
        ("多谢掌柜", "thank", "", 4),
    ]
    path.write_text("你好\tgreet\n", encoding="utf-8")
    assert [e["intent"] for e in load_tsv(path, INTENTS)] == ["greet"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text\tlabel\n你好\tgreet\n衣服破了\tcomplaint\n", "line 3: unknown label 'complaint'"),
        ("你好\tgreet\n衣服破了\n", "line 2: expected 2 or 3 tab-separated columns"),
        (
            "你好\tgreet\ta\tb\n",
            "line 1: expected 2 or 3 tab-separated columns (text, label[, source]), found 4",
        ),
        ("你好\tgreet\n\tthank\n", "line 2: the text is empty"),
        ("text\tlabel\n", "no labelled rows"),
    ],
)
def test_tsv_errors_name_the_row(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelledFileError, match=re.escape(message)):
        load_tsv(path, INTENTS)


def test_tsv_labels_default_to_the_domain_intents(tmp_path: Path) -> None:
    path = tmp_path / "shop.tsv"
    path.write_text("在吗\tgreet\n能便宜点吗\tbargain\n", encoding="utf-8")
    assert len(load_tsv(path)) == 2
    path.write_text("在吗\tnlu_fallback\n", encoding="utf-8")  # not a label anyone can be scored on
    with pytest.raises(LabelledFileError, match="line 1"):
        load_tsv(path)


def test_halves_follow_the_md5_rule_and_partition() -> None:
    examples = [{"text": f"消息{i}"} for i in range(40)]
    halves = split_halves(examples)
    assert sorted(halves["analysis"] + halves["check"]) == list(range(40))
    assert halves["analysis"] and halves["check"]
    for name, parity in (("analysis", 0), ("check", 1)):
        for i in halves[name]:
            assert int(hashlib.md5(examples[i]["text"].encode("utf-8")).hexdigest(), 16) % 2 == parity


def _prediction(intent: str, confidence: float) -> dict:
    return {"intent": intent, "confidence": confidence, "ranking": [], "entities": []}


def test_labelled_scores_large_intents_halves_and_autosend() -> None:
    examples = (
        [{"text": f"你好{i}", "intent": "greet", "entities": []} for i in range(20)]
        + [{"text": f"衣服破了{i}", "intent": "complain", "entities": []} for i in range(20)]
        + [{"text": "谢谢", "intent": "thank", "entities": []}]
    )
    predictions = (
        [_prediction("greet", 0.9)] * 20
        + [_prediction("complain", 0.9)] * 10
        + [_prediction("greet", 0.95)] * 5  # complaints answered as a greeting: harmful
        + [_prediction("nlu_fallback", 0.2)] * 5  # served as out_of_scope
        + [_prediction("greet", 0.9)]
    )
    result = score_labelled(Path("x.tsv"), examples, predictions, {"greet": 0.6}, show_all_errors=False)
    whole = result["whole"]
    assert result["large_intents"] == ["complain", "greet"]
    greet_f1 = 2 * (20 / 26) * 1.0 / (20 / 26 + 1.0)
    complain_f1 = 2 * 1.0 * 0.5 / 1.5
    assert whole["macro_f1_large"] == pytest.approx((greet_f1 + complain_f1) / 2)
    assert whole["macro_f1_all"] == pytest.approx((greet_f1 + complain_f1 + 0.0) / 3)
    assert whole["intent"]["accuracy"] == pytest.approx(30 / 41)
    assert whole["autosend"]["overall"]["sent"] == 26 and whole["autosend"]["overall"]["harmful"] == 5
    assert result["analysis"]["messages"] + result["check"]["messages"] == 41
    # The check half's error texts are never written; the analysis half's are.
    assert "errors" not in result["check"] and "errors" not in whole and "errors" in result["analysis"]
    assert all("text" not in c for c in result["check"]["autosend"]["harmful_cases"])
    text = write_markdown(
        {
            "date": "d",
            "machine": {"cpus": 2},
            "heldout_messages": 1,
            "pipelines": {"ours": {"labelled": result, **_minimal_pipeline()}},
        }
    )
    assert "## Labelled file: x.tsv (41 messages)" in text
    assert "Harmful auto-sends (gold -> answered as): complain -> greet: 5" in text


def _minimal_pipeline() -> dict:
    held = {
        "intent": m.intent_report(GOLD, PRED),
        "confusion": m.confusion(GOLD, PRED),
        "entities": m.entity_report([[]], [[]]),
        "fallbacks": {"count": 0, "classifier_wrong": 0},
    }
    return {"config": "c.yml", "model": "x", "heldout": held, "heldout_traditional": held}


def test_shop_export_lists_every_error(tmp_path: Path) -> None:
    examples = [
        {"text": "你好", "intent": "greet", "entities": []},
        {"text": "谢谢", "intent": "thank", "entities": []},
    ]
    predictions = [_prediction("thank", 0.7), _prediction("thank", 0.7)]
    result = score_labelled(tmp_path / "shop.tsv", examples, predictions, None, show_all_errors=True)
    assert [e["text"] for e in result["whole"]["errors"]] == ["你好"]
    assert "autosend" not in result["whole"]


def test_evaluate_stops_on_a_bad_file_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nlu.evaluation import evaluate

    def no_training(*args: object) -> None:
        raise AssertionError("a bad labelled file must stop the run before any model is loaded")

    monkeypatch.setattr(evaluate, "model_for", no_training)
    path = tmp_path / "shop.tsv"
    path.write_text("你好\tgreet\n退货\treturn_please\n", encoding="utf-8")
    assert evaluate.main(["--quick", "--tsv", str(path), "--out", str(tmp_path / "out")]) == 2
    assert f"error: {path}, line 2: unknown label 'return_please'" in capsys.readouterr().err


def test_evaluate_scores_a_shop_export_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make evaluate QUICK=1 TSV=...` wiring, with a scripted model instead of a trained one."""
    import json

    from nlu.evaluation import evaluate

    answers = {"你好": ("greet", 0.97), "谢谢": ("greet", 0.9), "衣服破了": ("greet", 0.99)}

    class ScriptedParser:
        def __init__(self, model: object) -> None:
            pass

        def predict(self, texts: list[str]) -> list[dict]:
            out = []
            for text in texts:
                intent, conf = answers.get(text, ("nlu_fallback", 0.3))
                out.append(
                    {"intent": intent, "confidence": conf, "ranking": [(intent, conf)], "entities": []}
                )
            return out

        def close(self) -> None:
            pass

    monkeypatch.setattr(evaluate, "model_for", lambda config, prefix: (tmp_path / "m.tar.gz", {}))
    monkeypatch.setattr(evaluate, "Parser", ScriptedParser)
    routing = tmp_path / "routing.yml"
    routing.write_text("intents:\n  greet: {auto_send: true, threshold: 0.95}\n", encoding="utf-8")
    monkeypatch.setattr(evaluate, "ROUTING", routing)
    export = tmp_path / "shop.tsv"
    export.write_text("text\tlabel\n你好\tgreet\n谢谢\tthank\n衣服破了\tcomplain\n", encoding="utf-8")
    out = tmp_path / "out"
    assert evaluate.main(["--quick", "--no-baseline", "--tsv", str(export), "--out", str(out)]) == 0

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    whole = report["pipelines"]["ours"]["labelled"]["whole"]
    assert whole["intent"]["accuracy"] == pytest.approx(1 / 3)
    # greet >= 0.95: the greeting and the complaint go out, the complaint is harmful.
    assert whole["autosend"]["overall"] | {"coverage": 0} == {
        "messages": 3, "sent": 2, "wrong": 1, "harmful": 1, "coverage": 0, "wrong_rate": 0.5
    }  # fmt: skip
    assert [e["text"] for e in whole["errors"]] == ["谢谢", "衣服破了"]  # a shop's own file: every error
    assert (out / "confusion-shop-ours.png").stat().st_size > 0
    assert "## Labelled file:" in (out / "report.md").read_text(encoding="utf-8")


def test_full_evaluation_reports_cross_validation_auto_send_with_the_grievance_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make evaluate` without QUICK: the folds' answers (scripted here) reach the CV auto-send
    table with their grievance shares, held to the routing file's cap."""
    import json

    from nlu.evaluation import evaluate

    training = tmp_path / "nlu.yml"
    training.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n'
        + "".join(f"    - 你好{i}\n" for i in range(10))
        + "- intent: complain\n  examples: |\n"
        + "".join(f"    - 太差了{i}\n" for i in range(10)),
        encoding="utf-8",
    )

    def scripted_fold(config: Path, train: list, test: list, extras: str) -> dict:
        # Every message read as greet 0.9; the complaints with a third of the reading on complain.
        def parsed(example: dict) -> dict:
            share = 0.3 if example["intent"] == "complain" else 0.02
            ranking = [("greet", 0.9), ("complain", share), ("request_return", 0.0), ("request_human", 0.0)]
            return {"intent": "greet", "confidence": 0.9, "ranking": ranking, "entities": []}

        return {"predictions": [parsed(e) for e in test], "train_seconds": 0.0, "cached": False}

    class NoParser:
        def __init__(self, model: object) -> None:
            pass

        def predict(self, texts: list[str]) -> list[dict]:
            return [{"intent": "greet", "confidence": 0.9, "ranking": [], "entities": []} for _ in texts]

        def close(self) -> None:
            pass

    monkeypatch.setattr(evaluate, "TRAINING", training)
    monkeypatch.setattr(evaluate, "cv_fold_predictions", scripted_fold)
    monkeypatch.setattr(evaluate, "model_for", lambda config, prefix: (tmp_path / "m.tar.gz", {}))
    monkeypatch.setattr(evaluate, "Parser", NoParser)
    monkeypatch.setattr(evaluate, "REAL_BUYERS", tmp_path / "absent.tsv")
    routing = tmp_path / "routing.yml"
    routing.write_text(
        "intents:\n  greet: {auto_send: true, threshold: 0.5, max_grievance: 0.1}\n", encoding="utf-8"
    )
    monkeypatch.setattr(evaluate, "ROUTING", routing)
    out = tmp_path / "out"
    assert evaluate.main(["--no-baseline", "--folds", "2", "--out", str(out)]) == 0

    cv = json.loads((out / "report.json").read_text(encoding="utf-8"))["pipelines"]["ours"][
        "cross_validation"
    ]
    # The ten greetings go out; the ten complaints are held by the cap, so none is harmful.
    assert cv["autosend"]["overall"] | {"coverage": 0} == {
        "messages": 20, "sent": 10, "wrong": 0, "harmful": 0, "coverage": 0, "wrong_rate": 0.0
    }  # fmt: skip
    assert "predictions" not in cv and "texts" not in cv
