"""`python -m desk.analytics`: the owner reads the numbers and applies a threshold from a terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.analytics.__main__ import main
from desk.routing import IntentRoute, load_routing
from paths import RESPONSES_DIR
from shop.db.engine import make_engine
from shop.models.owner import ThresholdChange
from tests.desk.analytics.history import decided_history, two_days

NOVEMBER = ("--from", "2026-11-01", "--to", "2026-11-30")


@pytest.fixture
def owner_env(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    routing = tmp_path / "routing.yml"
    shutil.copyfile(RESPONSES_DIR / "routing.yml", routing)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ROUTING_FILE", str(routing))
    return routing


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_dashboard_in_chinese(owner_env: Path, sqlite_url: str, capsys) -> None:  # noqa: ANN001
    with Session(make_engine(sqlite_url)) as session:
        two_days(session)
    code, out, _ = _run(capsys, *NOVEMBER)
    assert code == 0
    assert "买家消息：共 12 条" in out
    assert "机器人自动回复：4/11 条草稿（36.4%）" in out
    assert "ask_size" in out and "直接发送 1（100.0%）" in out
    assert "3 分钟内回复：4/" in out
    assert "置信度低于阈值：4 条" in out and "需要客服处理：物流长时间没有更新：1 条" in out


def test_thresholds_apply_and_history(owner_env: Path, sqlite_url: str, capsys) -> None:  # noqa: ANN001
    with Session(make_engine(sqlite_url)) as session:
        decided_history(session)
    code, out, _ = _run(capsys, "--thresholds", *NOVEMBER)
    assert code == 0
    size = next(line for line in out.splitlines() if line.strip().startswith("ask_size"))
    assert "建议阈值 0.70" in size and "97.5%" in size and "依据 60 条" in size
    assert any(line.strip().startswith("complain") and "必须由客服处理" in line for line in out.splitlines())

    was = load_routing(owner_env).route_for("ask_size")
    code, out, _ = _run(capsys, "--apply", "ask_size", *NOVEMBER, "--by", "店主林林")
    assert code == 0 and "已应用：ask_size" in out and "0.70" in out and "店主林林" in out
    # The owner moves the threshold; the caps `make thresholds` chose stay.
    assert load_routing(owner_env).route_for("ask_size") == IntentRoute(
        True, 0.70, was.max_grievance, was.max_tone
    )
    with Session(make_engine(sqlite_url)) as session:
        assert session.scalars(select(ThresholdChange.applied_by)).all() == ["店主林林"]

    code, _, err = _run(capsys, "--apply", "ask_size", *NOVEMBER)
    assert code == 1 and "已经是建议值" in err
    code, _, err = _run(capsys, "--apply", "complain", *NOVEMBER)
    assert code == 1 and "必须由客服处理" in err
    code, _, err = _run(capsys, "--apply", "no_such_intent", *NOVEMBER)
    assert code == 2 and "没有这个意图" in err
    code, out, _ = _run(capsys, "--history")
    assert code == 0 and "ask_size" in out and "店主林林" in out


def test_a_bad_date_is_refused_politely(owner_env: Path, capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit) as refused:
        main(["--from", "11/24"])
    assert refused.value.code == 2 and "--from" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--from", "2026-11-30", "--to", "2026-11-01"])
    assert "--to is before --from" in capsys.readouterr().err
