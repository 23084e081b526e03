"""Cutting a message into the questions it asks (desk/clauses.py)."""

import pytest

from desk.clauses import asks, candidates, clauses, merge


@pytest.mark.parametrize(
    "text, expected",
    [
        ("这个大衣包邮不 能开发票吗", ["这个大衣包邮不 ", "能开发票吗"]),
        ("请问这款0201有货吗，今天拍什么时候发货？", ["请问这款0201有货吗，", "今天拍什么时候发货？"]),
        ("這件大衣包郵嗎？可以開發票嗎", ["這件大衣包郵嗎？", "可以開發票嗎"]),  # Traditional
        ("有L码吗明天可以寄出吗", ["有L码吗", "明天可以寄出吗"]),  # no punctuation between them
        ("我要退货，运费谁出？", ["我要退货，", "运费谁出？"]),
    ],
)
def test_questions_are_cut_apart(text, expected):
    assert candidates(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "身高160体重100斤，穿什么码",  # the measurements belong to the question
        "身高1.65米 体重50kg 穿M还是L",  # a decimal point is no full stop
        "这么好看，有S码吗",  # 这么 asks nothing
        "为什么还没发货",
        "谢谢",
        "S、M、L哪个码合适",  # a list is one clause
    ],
)
def test_a_single_question_stays_whole(text):
    assert candidates(text) == [text]


def test_clauses_and_candidates_keep_every_character():
    text = "亲～在吗？ 这件0201有红色L码吗，我身高165，今天拍什么时候发货😊谢谢！"
    assert "".join(clauses(text)) == text
    assert "".join(candidates(text)) == text


def test_a_long_story_is_not_cut_into_many_parts():
    text = "，".join(["这个有货吗"] * 8)
    assert candidates(text) == [text]


def test_a_clause_asks_when_it_has_a_question_word_or_ending():
    assert asks("包邮不 ") and asks("運費多少") and asks("帮我改个地址") and asks("有货没？")
    assert not asks("身高160，") and not asks("谢谢") and not asks("这件大衣")


def test_merge_joins_courtesy_and_repeated_questions():
    pieces = ["在吗？", "有L码吗，", "有M码吗，", "运费多少？", "谢谢"]
    intents = ["greet", "ask_stock", "ask_stock", "ask_shipping_fee", "thank"]
    assert merge(pieces, intents) == ["在吗？有L码吗，有M码吗，", "运费多少？谢谢"]


def test_merge_keeps_one_part_when_the_model_reads_one_question():
    pieces = ["怎么还没到，", "什么情况"]
    assert merge(pieces, ["ask_order_status", "out_of_scope"]) == ["怎么还没到，什么情况"]
    assert merge(pieces, ["nlu_fallback", "nlu_fallback"]) == ["怎么还没到，什么情况"]
    assert merge(pieces, ["ask_order_status", "ask_stock"], [0.9, 0.4]) == ["怎么还没到，什么情况"], "unsure"
    with pytest.raises(ValueError):
        merge(pieces, ["greet"])
