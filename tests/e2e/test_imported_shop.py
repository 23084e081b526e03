"""A shop that is not the demo: its sample exports imported with one command, its own words
and model, and the simulator answers size, stock, order-status and return questions from them.

The samples' times are shifted so that they are as old as on 2026-12-06 (an order
signed for three weeks ago stays past its return window). The shop's model is
trained once and kept in var/e2e-sample-shop/ (by the hash of its inputs, like
models/), so later runs only start the servers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from paths import PROJECT_ROOT, VAR_DIR
from shop.db.settings import shop_timezone
from stack.servers import running_stack
from stack.settings import load_settings
from tests.e2e.conftest import APP_PY, RASA_PY, run_simulator

pytestmark = pytest.mark.e2e
SAMPLES = PROJECT_ROOT / "data" / "samples"
SAMPLE_DAY = date(2026, 12, 6)
# What training reads besides the lexicon: linked, so the shop's model learns the same data.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data/nlu", "data/rules", "data/stories", "responses", "nlu")


def _shifted_exports(target: Path) -> list[Path]:
    shift = datetime.now(shop_timezone()).date() - SAMPLE_DAY

    def move(match: re.Match[str]) -> str:
        return (date.fromisoformat(match.group()) + shift).isoformat()

    files = []
    for source in sorted(SAMPLES.glob("*.csv")):
        text = re.sub(r"\d{4}-\d{2}-\d{2}", move, source.read_text(encoding="utf-8"))
        (target / source.name).write_text(text, encoding="utf-8")
        files.append(target / source.name)
    return files


def _run(cmd: list, env: dict[str, str], cwd: Path = PROJECT_ROOT, timeout: float = 120) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def _shop_project(lexicon_from: Path, env: dict[str, str]) -> Path:
    """A project folder sharing the training data, with this shop's lexicon."""
    project = VAR_DIR / "e2e-sample-shop"
    (project / "data").mkdir(parents=True, exist_ok=True)
    (project / "scripts").mkdir(exist_ok=True)
    for name in TRAINING_INPUTS:
        link = project / name
        if not link.is_symlink():
            link.symlink_to(PROJECT_ROOT / name)
    # Copied, not linked: the script trains the project it lives in.
    shutil.copyfile(PROJECT_ROOT / "scripts" / "train.py", project / "scripts" / "train.py")
    _run(
        [RASA_PY, "-m", "nlu.text.lexicon", "--shop", lexicon_from, "--out", project / "data" / "lexicon"],
        env,
    )
    return project


@pytest.fixture(scope="module")
def sample_shop(tmp_path_factory) -> dict[str, str]:
    work = tmp_path_factory.mktemp("sample-shop")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'shop.db'}"}
    imported = _run([APP_PY, "-m", "shop.imports", *_shifted_exports(work)], env)
    assert "0 rows with problems" in imported and "rows with problems" in imported
    _run([APP_PY, "-m", "shop.imports.snapshot", work / "catalogue.json"], env)
    project = _shop_project(work / "catalogue.json", env)
    model = _run([RASA_PY, project / "scripts" / "train.py", "--quiet"], env, cwd=project, timeout=1800)
    return {**env, "RASA_MODEL": model.strip().splitlines()[-1], "E2E_VAR_DIR": str(work)}


@pytest.fixture(scope="module")
def ask(sample_shop):
    saved = dict(os.environ)
    os.environ.update(sample_shop)
    try:
        settings = replace(load_settings(sample_shop), var_dir=Path(sample_shop["E2E_VAR_DIR"]))
        with running_stack(settings) as stack:
            env = {**sample_shop, "RASA_URL": stack.rasa_url, "RASA_TOKEN": stack.rasa_token}

            def run(lines: list[str], *, buyer: str) -> list[str]:
                result = run_simulator(env, lines, buyer=buyer)
                assert result.returncode == 0, result.stderr
                return ["".join(json.loads(line)["replies"]) for line in result.stdout.splitlines()]

            yield run
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_size_advice_from_the_imported_size_chart(ask):
    [reply] = ask(["身高160 体重104斤 3101穿什么码"], buyer="qh_xiaomei")
    assert "青禾" in reply and "160/84A" in reply and "M" in reply, reply


def test_stock_and_restock_date_from_the_stock_export(ask):
    in_stock, sold_out = ask(["3101藏青M码有货吗", "", "3101燕麦色M码有货吗"], buyer="qh_xiaomei")
    assert "藏青" in in_stock and "有" in in_stock, in_stock
    # Restocked on 2026-12-20: 14 days after the samples' day, whenever the test runs.
    assert "燕麦色" in sold_out and "14" in sold_out, sold_out


def test_order_status_from_the_imported_orders_and_tracking(ask):
    # Simplified, then Traditional script.
    for reply in ask(["我的快递到哪了", "", "我的快遞到哪了"], buyer="qh_xiaomei"):
        assert "圆通速递" in reply and "YT8800000000011" in reply and "上海转运中心" in reply, reply
        assert "ST7700000000033" not in reply  # the other buyer's parcel


def test_either_order_of_a_merged_parcel_is_answered_with_the_parcels_latest_scan(ask):
    # 合并发货: two orders, one waybill; each asked about by id, Simplified then Traditional script.
    for reply in ask(
        ["我的订单7300451200044到哪了", "", "我的訂單 7300451200055 到哪了"], buyer="qh_xiaolan"
    ):
        assert "韵达快递" in reply and "YD6600000000044" in reply and "武汉转运中心" in reply, reply


def test_an_order_shipped_in_two_parcels_is_answered_with_both_and_their_latest_scans(ask):
    # 拆单: 7300451200077 left in two parcels, one signed for, one on its way; Simplified then Traditional.
    for reply in ask(["我的订单7300451200077到哪了", "", "我的訂單7300451200077到哪了"], buyer="qh_xiaolan"):
        assert "YD6600000000077" in reply and "已签收，签收人：本人" in reply, reply
        assert "YD6600000000078" in reply and "苏州转运中心" in reply, reply


def test_another_buyer_asking_about_a_split_order_is_told_not_found(ask):
    [reply] = ask(["我的订单7300451200077到哪了"], buyer="qh_xiaomei")
    assert "没有查到" in reply or "没有找到" in reply, reply
    for hers in ("YD6600000000077", "YD6600000000078", "苏州"):
        assert hers not in reply, reply


def test_return_window_from_the_imported_sign_off(ask):
    [reply] = ask(["我要退货"], buyer="qh_dawei")
    # Signed for on 2026-11-13 18:20 Shanghai time, 22-23 days before the samples' day:
    # past the shop's return window, and an agent takes a look.
    signed = re.search(r"签收\D{0,3}(\d+)天", reply)  # the templates word it differently
    assert "青禾 高腰阔腿牛仔裤" in reply and signed and int(signed.group(1)) in (22, 23), reply
    assert any(word in reply for word in ("过了", "超过", "超出")), reply


def test_a_taobao_order_id_of_19_digits_is_answered_with_that_order(ask):
    # Issue 21: the sample Taobao export's 订单编号 has 19 digits; Simplified, then Traditional.
    for reply in ask(
        ["我的订单4027731846512093318到哪了", "", "我的訂單 4027731846512093318 到哪了"], buyer="qh_anran"
    ):
        assert "中通快递" in reply and "78920455613027" in reply and "南京转运中心" in reply, reply


def test_another_buyers_19_digit_order_id_is_refused(ask):
    [reply] = ask(["我的订单4027731846512093318到哪了"], buyer="qh_xiaomei")
    assert "没有查到" in reply or "没有找到" in reply, reply
    for hers in ("78920455613027", "中通", "南京", "羊绒大衣"):
        assert hers not in reply, reply
