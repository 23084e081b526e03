"""Writing training data: one well-formed example, in the right file, nothing else touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paths import PROJECT_ROOT
from tests.trainer.rasa_reader import rasa_examples
from trainer.nludata import Refused, add_example, annotate, read_examples
from trainer.textnorm import key

# (given, what Rasa must read back). Newlines are joined with one space.
NASTY = [
    ('他说"能便宜点吗"', '他说"能便宜点吗"'),
    ("it's 'single' quoted", "it's 'single' quoted"),
    ("尺码: M 还是 L?", "尺码: M 还是 L?"),
    ("key: value: more", "key: value: more"),
    ("#1 热卖 # 不是注释", "#1 热卖 # 不是注释"),
    ("- 前面有减号", "- 前面有减号"),
    ("-- 双减号", "-- 双减号"),
    ("[急]在吗", "[急]在吗"),
    ("[红色](color) 有吗", "［红色］(color) 有吗"),
    ('[M]{"entity": "size"} 有吗', '［M］{"entity": "size"} 有吗'),
    ("表情😊👍🏻 好评", "表情😊👍🏻 好评"),
    ("C:\\路径\\n 反斜杠", "C:\\路径\\n 反斜杠"),
    ("tab\t分隔", "tab\t分隔"),
    ("第一行\n第二行", "第一行 第二行"),
    ("windows\r\n换行", "windows 换行"),
    ("unicode\u2028分行", "unicode 分行"),
    ("  两头空格  ", "两头空格"),
    ("{花括号} & *星号 | 竖线 > 大于", "{花括号} & *星号 | 竖线 > 大于"),
    ("%百分号 @at `反引号`", "%百分号 @at `反引号`"),
    ("零宽\u200b空格", "零宽空格"),
    ("!important ? yes", "!important ? yes"),
]


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """A copy of the real domain and NLU data."""
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", tmp_path / "nlu")
    shutil.copy(PROJECT_ROOT / "domain.yml", tmp_path / "domain.yml")
    return {"nlu_dir": tmp_path / "nlu", "domain": tmp_path / "domain.yml"}


def test_one_example_lands_in_the_intents_file_and_nothing_else_changes(project):
    before = {p.name: p.read_bytes() for p in project["nlu_dir"].glob("*.yml")}
    written = add_example("这件羽绒服能不能再少个五十", "bargain", **project)
    assert written.file.name == "bargain.yml"
    after = {p.name: p.read_bytes() for p in project["nlu_dir"].glob("*.yml")}
    assert {n for n in after if after[n] != before[n]} == {"bargain.yml"}
    old, new = before["bargain.yml"].splitlines(keepends=True), after["bargain.yml"].splitlines(keepends=True)
    assert len(new) == len(old) + 1
    added = new.pop(written.line - 1)
    assert added == "    - 这件羽绒服能不能再少个五十\n".encode()
    assert new == old  # every other line byte-identical (comments, order, quoting)
    read = rasa_examples(written.file)[str(written.file)]
    assert read.count(("这件羽绒服能不能再少个五十", "bargain")) == 1
    assert len(read) == len(read_examples(written.file))


def test_an_intent_in_a_shared_file_goes_into_its_own_block(project):
    written = add_example("下次再聊啦 拜拜咯", "goodbye", **project)
    examples = read_examples(written.file)
    mine = next(e for e in examples if e.text == "下次再聊啦 拜拜咯")
    assert mine.intent == "goodbye" and written.file.name == "smalltalk.yml"
    assert ("下次再聊啦 拜拜咯", "goodbye") in rasa_examples(written.file)[str(written.file)]


@pytest.mark.parametrize(
    "variant", ["能便宜點嗎", "能便宜点吗？", " 能 便宜 点 吗 ", "ＮＥＮＧ能便宜点吗"[4:]]
)
def test_normalised_duplicates_are_refused(project, variant):
    with pytest.raises(Refused, match="already there.*bargain.yml line \\d+: '能便宜点吗'"):
        add_example(variant, "bargain", **project)


def test_a_phrasing_under_another_intent_is_refused_with_the_conflict_shown(project):
    with pytest.raises(Refused, match="already filed under 'bargain'.*bargain.yml line \\d+: '能便宜点吗'"):
        add_example("能便宜點嗎!", "ask_promotion", **project)


def test_an_unknown_intent_lists_the_valid_ones(project):
    with pytest.raises(
        Refused, match="unknown intent 'ask_price'.*ask_order_status.*bargain.*request_return"
    ):
        add_example("多少钱", "ask_price", **project)


def test_held_out_phrasings_are_refused(project, tmp_path):
    heldout = tmp_path / "heldout.yml"
    heldout.write_text('version: "3.1"\nnlu:\n- intent: bargain\n  examples: |\n    - 再让点利呗\n', "utf-8")
    with pytest.raises(Refused, match="held-out"):
        add_example("再让点利呗!", "bargain", heldout=heldout, **project)


@pytest.mark.parametrize("empty", ["", "   ", "？！。", "\n\n"])
def test_empty_text_is_refused(project, empty):
    with pytest.raises(Refused, match="empty"):
        add_example(empty, "bargain", **project)


def test_nasty_texts_round_trip_through_rasas_reader(project):
    assert len(NASTY) >= 15
    path = project["nlu_dir"] / "complain.yml"
    original = path.read_bytes()
    for given, expected in NASTY:
        written = add_example(given, "complain", **project)
        assert written.text == expected, given
        assert written.file == path
    read = rasa_examples(path)[str(path)]
    texts = [t for t, intent in read if intent == "complain"]
    assert texts[-len(NASTY) :] == [expected for _, expected in NASTY]
    # Nothing else in the file moved: the original is an exact prefix-with-inserts.
    assert path.read_bytes().startswith(original.rstrip(b"\n").rsplit(b"\n", 1)[0])


def test_a_file_without_a_final_newline_and_crlf_files(tmp_path):
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (tmp_path / "domain.yml").write_text("intents:\n  - greet\n  - bargain\n", "utf-8")
    (nlu / "a.yml").write_bytes(
        b'version: "3.1"\r\nnlu:\r\n- intent: greet  # hi\r\n  examples: |\r\n    - hi\r\n'
    )
    (nlu / "b.yml").write_bytes(b'version: "3.1"\nnlu:\n- intent: "bargain"\n  examples: |\n    - cheaper')
    add_example("hello there", "greet", nlu_dir=nlu, domain=tmp_path / "domain.yml")
    add_example("less please", "bargain", nlu_dir=nlu, domain=tmp_path / "domain.yml")
    assert (nlu / "a.yml").read_bytes().endswith(b"    - hi\r\n    - hello there\r\n")
    assert (nlu / "b.yml").read_bytes().endswith(b"    - cheaper\n    - less please\n")
    read = rasa_examples(nlu / "a.yml", nlu / "b.yml")
    assert read[str(nlu / "a.yml")] == [("hi", "greet"), ("hello there", "greet")]
    assert read[str(nlu / "b.yml")] == [("cheaper", "bargain"), ("less please", "bargain")]


def test_an_intent_without_a_file_gets_a_new_one(project):
    written = add_example("我想开发票抬头写公司", "ask_invoice", **project)
    assert written.file.name == "invoice.yml"  # exists already
    for path in project["nlu_dir"].glob("*.yml"):  # every file that holds the intent
        if any(e.intent == "ask_invoice" for e in read_examples(path)):
            path.unlink()
    written = add_example("我想开发票抬头写公司", "ask_invoice", **project)
    assert written.file.name == "ask_invoice.yml"
    assert rasa_examples(written.file)[str(written.file)] == [("我想开发票抬头写公司", "ask_invoice")]


def test_entities_are_annotated_only_for_types_the_data_annotates():
    entities = [{"entity": "size", "value": "M", "start": 5, "end": 6}]
    assert annotate("0201拿M码", entities, allowed=set()) == "0201拿M码"
    assert annotate("0201拿M码", entities, allowed={"size"}) == '0201拿[M]{"entity": "size", "value": "M"}码'


def test_the_comparison_key():
    assert key("幫我改一下地址！ 😊") == key("帮我改一下地址") == "帮我改一下地址"
    assert key("ＡＢＣ　ｄｅｆ") == "abcdef"
