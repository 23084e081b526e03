"""The trainer refuses copies and close variants of real buyers' messages (evaluation only).

The "real buyer" texts here are invented for the test: the real file is never
quoted in tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paths import PROJECT_ROOT
from trainer.labelling import add
from trainer.nludata import Refused, add_example, read_examples
from trainer.realbuyers import find, load_keys
from trainer.settings import Project
from trainer.textnorm import key

BUYER = "快递小哥把我的包裹扔在门口就走了"
SHORT_BUYER = "好嘞亲"


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """A copy of the real domain and NLU data, beside a made-up real-buyers folder."""
    root = tmp_path / "shop"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", root / "data" / "nlu")
    shutil.copy(PROJECT_ROOT / "domain.yml", root / "domain.yml")
    buyers = tmp_path / "shared" / "real-buyers"
    buyers.mkdir(parents=True)
    (buyers / "dev.tsv").write_text(f"{BUYER}\tcomplain\tmade-up\n{SHORT_BUYER}\taffirm\tmade-up\n", "utf-8")
    (buyers / "ambiguous.tsv").write_text(
        "衣服洗了一次就缩水成童装了\tcomplain\tmade-up\tcomplain|request_return\n", "utf-8"
    )
    return {"nlu_dir": root / "data" / "nlu", "domain": root / "domain.yml", "real_buyers": buyers}


def _snapshot(nlu_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in nlu_dir.glob("*.yml")}


@pytest.mark.parametrize(
    "copy",
    [
        BUYER,  # the same text
        "快遞小哥把我的包裹扔在門口就走了！！",  # other script and punctuation
        "快递小哥把我的包裹扔在门口就走了 气死",  # the buyer's text plus a word
        "把我的包裹扔在门口就走了",  # a part of it
        "快递小哥把我的快递扔在门口就走了",  # one word changed: similarity >= 0.8
        "衣服洗了一次就缩水成童装了吧",  # the ambiguous file is guarded too
        "好嘞，亲！",  # a short text is refused when it is the same text
    ],
)
def test_a_real_buyer_message_or_close_variant_is_refused_without_quoting_it(project, copy):
    before = _snapshot(project["nlu_dir"])
    with pytest.raises(Refused) as refused:
        add_example(copy, "complain", **project)
    message = str(refused.value)
    assert "real buyer" in message and "真实买家" in message
    assert BUYER not in message and "包裹" not in message and SHORT_BUYER not in message
    assert _snapshot(project["nlu_dir"]) == before


@pytest.mark.parametrize(
    ("own", "intent"),
    [
        ("好嘞呀", "affirm"),  # short: only equality counts, or 好的/谢谢 could never be written
        ("好嘞亲亲", "affirm"),  # short: one character more is not a copy
        ("包裹扔在门口了", "complain"),  # a different sentence sharing a few words
        ("快递员没打电话就把件放门口了", "complain"),  # the same complaint in other words
    ],
)
def test_own_phrasings_of_the_same_kind_are_written(project, own, intent):
    written = add_example(own, intent, **project)
    assert own in [e.text for e in read_examples(written.file)]


def test_without_the_real_buyer_folder_nothing_more_is_refused(project, tmp_path):
    written = add_example(BUYER, "complain", **{**project, "real_buyers": tmp_path / "absent"})
    assert written.text == BUYER


def test_the_trainers_add_command_looks_beside_the_project(project):
    shop = Project(root=project["nlu_dir"].parent.parent)
    assert shop.real_buyers == project["real_buyers"]
    with pytest.raises(Refused, match="real buyer"):
        add(shop, BUYER + "!", "complain", by="test")


def test_a_short_text_inside_a_long_buyer_message_is_not_a_copy(project):
    keys = load_keys(project["real_buyers"])
    assert find(key("门口"), keys) is None
    assert find(key("就走了"), keys) is None
    assert find(key("扔在门口就走了"), keys).kind == "contained"
