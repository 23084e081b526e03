"""make lexicon: the assistant's words come from the shop database's catalogue, not the demo file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from paths import PROJECT_ROOT
from shop.db.engine import make_engine
from shop.demo import ensure_demo_loaded
from shop.imports import import_file, import_records
from tests.shop.imports.conftest import import_samples

RASA_PY = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


def _run(*args: str, db_url: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        list(args),
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result


def _lexicon(db_url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    snapshot = tmp_path / "catalogue.json"
    done = _run(sys.executable, "-m", "shop.imports.snapshot", str(snapshot), db_url=db_url)
    assert done.returncode == 0, done.stderr
    return _run(str(RASA_PY), "-m", "nlu.text.lexicon", "--shop", str(snapshot), *extra, db_url=db_url)


def test_the_demo_shops_database_gives_the_committed_lexicon(sqlite_url: str, tmp_path: Path) -> None:
    ensure_demo_loaded(make_engine(sqlite_url))
    checked = _lexicon(sqlite_url, tmp_path, "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_imported_shop_gets_its_own_words_once(sqlite_url: str, tmp_path: Path) -> None:
    with Session(make_engine(sqlite_url)) as session:
        import_samples(session)
    out = tmp_path / "lexicon"
    first = _lexicon(sqlite_url, tmp_path, "--out", str(out))
    assert first.returncode == 0, first.stderr
    catalogue = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))
    assert set(catalogue["products"]) == {"3101", "3102", "3103"}
    assert catalogue["product_aliases"]["青禾高腰阔腿牛仔裤"] == "3102"
    # Nothing changed in the shop: nothing is rewritten, so make train keeps its model.
    again = _lexicon(sqlite_url, tmp_path, "--out", str(out))
    assert "wrote" not in again.stdout and again.stdout.count("unchanged") == 2


def test_the_lexicon_reads_the_shops_own_order_id_lengths(sqlite_url: str, tmp_path: Path) -> None:
    """A Taobao export's 18- and 19-digit 订单编号 beside the samples' 13-digit ones: all are order ids."""
    with Session(make_engine(sqlite_url)) as session:
        import_samples(session)
        import_file(PROJECT_ROOT / "data" / "samples" / "orders_taobao_ids.csv", session=session)
        session.commit()
    out = tmp_path / "lexicon"
    done = _lexicon(sqlite_url, tmp_path, "--out", str(out))
    assert done.returncode == 0, done.stderr
    catalogue = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))
    assert catalogue["order_id_lengths"] == [13, 18, 19]


def _written(out: Path) -> dict[str, bytes]:
    """The lexicon's files (what scripts/train.py hashes to decide whether to retrain)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_catalogue_change_imported_in_bulk_reaches_the_lexicon(sqlite_url: str, tmp_path: Path) -> None:
    with Session(make_engine(sqlite_url)) as session:
        import_samples(session)
    out = tmp_path / "lexicon"
    assert _lexicon(sqlite_url, tmp_path, "--out", str(out)).returncode == 0
    before = _written(out)
    products = [{"商家编码": "3104", "宝贝标题": "青禾 羊毛针织开衫", "宝贝ID": "728800003104", "价格": "329.00",
                 "颜色": "驼色"}]  # fmt: skip
    stock = [{"商家编码": "3102", "颜色": "深蓝", "尺码": "27", "库存": "3"}]  # a colour the product had not
    with Session(make_engine(sqlite_url)) as session:
        assert import_records("products", products, session=session).created == 1
        assert import_records("stock", stock, session=session).created == 1
    changed = _lexicon(sqlite_url, tmp_path, "--out", str(out))
    assert changed.returncode == 0 and "wrote" in changed.stdout, changed.stdout
    assert _written(out) != before  # make train retrains
    catalogue = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))
    assert catalogue["products"]["3104"]["name"] == "青禾 羊毛针织开衫"
    assert catalogue["item_ids"]["728800003104"] == "3104"
    assert "深蓝" in catalogue["products"]["3102"]["colors"]
    # The same exports again change nothing in the shop, so nothing in the lexicon.
    with Session(make_engine(sqlite_url)) as session:
        assert not import_records("products", products, session=session).changed
        assert not import_records("stock", stock, session=session).changed
    after = _written(out)
    again = _lexicon(sqlite_url, tmp_path, "--out", str(out))
    assert "wrote" not in again.stdout and _written(out) == after
