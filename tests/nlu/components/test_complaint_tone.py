"""How much a message sounds like a complaint, whatever its topic (nlu/components/complaint_tone.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.components.char_neighbours import prepared
from nlu.components.complaint_tone import VECTORIZER, ComplaintTone

# The same topics on both sides: only the words of reproach tell a complaint.
COMPLAINTS = [
    "发票说了三遍还是开错 你们怎么回事",
    "物流三天不动 你们怎么回事 太失望了",
    "退款拖了半个月 骗人的吧",
    "尺码表完全不准 太坑了",
    "说好今天发货又没发 骗人",
    "客服一直不回 太失望了",
]
QUESTIONS = [
    "发票怎么开",
    "物流到哪了",
    "退款多久到账",
    "尺码表在哪看",
    "今天发不发货",
    "客服几点上班",
    "发票可以开公司抬头吗",
    "物流用的哪家快递",
]


def _tone() -> ComplaintTone:
    return ComplaintTone.fit(
        COMPLAINTS + QUESTIONS, [True] * len(COMPLAINTS) + [False] * len(QUESTIONS), c=3.0
    )


def test_a_reproach_sounds_like_a_complaint_whatever_its_topic() -> None:
    complaint, question = _tone().probabilities(["发票又开错了 骗人的吧 太失望了", "发票能开吗"])
    assert complaint > 0.5 > question


def test_traditional_script_sounds_as_its_simplified_form() -> None:
    tone = _tone()
    assert tone.probabilities(["物流三天不動 騙人的吧"]) == pytest.approx(
        tone.probabilities(["物流三天不动 骗人的吧"])
    )


def test_saved_and_loaded_tone_scores_the_same_without_pickle(tmp_path: Path) -> None:
    tone = _tone()
    path = tmp_path / "tone.npz"
    tone.save(path)
    with zipfile.ZipFile(path) as stored:  # plain arrays: loading runs no pickled code
        assert all(name.endswith(".npy") for name in stored.namelist())
    texts = ["客服太失望了", "几点发货", "", "完全没见过的字"]
    assert ComplaintTone.load(path).probabilities(texts) == pytest.approx(tone.probabilities(texts))


def test_the_scores_are_sklearns_own_logistic_regression_on_its_tf_idf() -> None:
    """The fast rows skip sklearn's per-call checks; the numbers must stay sklearn's."""
    from sklearn.linear_model import LogisticRegression

    texts = COMPLAINTS + QUESTIONS
    labels = [True] * len(COMPLAINTS) + [False] * len(QUESTIONS)
    vectorizer = TfidfVectorizer(**VECTORIZER)
    regression = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced")
    regression.fit(vectorizer.fit_transform(prepared(texts)), labels)
    buyers = ["发票又开错 骗人", "退款到账了吗", "ＸＬ碼有吗"]
    expected = regression.predict_proba(vectorizer.transform(prepared(buyers)))[:, 1]
    assert _tone().probabilities(buyers) == pytest.approx(expected, abs=1e-6)


def test_a_message_sharing_no_character_scores_the_bare_intercept() -> None:
    tone = _tone()
    assert tone.probabilities([""]) == pytest.approx(1 / (1 + np.exp(-tone.intercept)))


def test_training_needs_both_kinds() -> None:
    with pytest.raises(ValueError, match="complaints and other messages"):
        ComplaintTone.fit(QUESTIONS, [False] * len(QUESTIONS), c=1.0)
