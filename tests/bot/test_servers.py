"""Starting the servers: clear one-line errors, nothing left running."""

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from bot.servers import StartError, endpoints_yaml, find_model, running_stack
from bot.settings import load_settings


def test_a_port_in_use_gets_a_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = replace(
            load_settings({}), action_port=port, var_dir=tmp_path, model_path=Path(__file__)
        )  # any existing file passes find_model
        with pytest.raises(StartError, match=f"port {port} .* in use.*ACTION_PORT"):
            with running_stack(settings):
                pass


def test_a_missing_model_says_to_train(tmp_path):
    settings = replace(load_settings({}), model_path=tmp_path / "nope.tar.gz")
    with pytest.raises(StartError, match="make train"):
        find_model(settings)


def test_a_server_that_dies_at_start_is_reported_and_reaped(tmp_path):
    # A "model" that is no model: Rasa exits at start; the action server must be stopped too.
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a model")
    settings = replace(load_settings({}), model_path=bogus, var_dir=tmp_path)
    with pytest.raises(StartError, match="could not load the model bogus.tar.gz"):
        with running_stack(settings):
            pass
    log = tmp_path / "logs" / "actions.log"
    assert log.exists()
    with socket.socket() as probe:  # the action server's port is free again: it was stopped
        assert probe.connect_ex(("127.0.0.1", 1)) != 0


def test_endpoints_use_sql_tracker_and_optional_redis(tmp_path):
    settings = replace(load_settings({}), var_dir=tmp_path)
    text = endpoints_yaml(settings, "http://127.0.0.1:5055/webhook")
    assert "dialect: sqlite" in text and str(tmp_path / "rasa_tracker.db") in text
    assert "type: nlu.tracker_store.CachedSQLTrackerStore" in text
    assert "lock_store" not in text
    stock = endpoints_yaml(settings, "http://127.0.0.1:5055/webhook", tracker_store="SQL")
    assert "type: SQL\n" in stock and "dialect: sqlite" in stock
    pg = replace(
        settings,
        tracker_db_url="postgresql+psycopg://u:p@127.0.0.1:5433/rasa",
        redis_url="redis://127.0.0.1:6380",
    )
    text = endpoints_yaml(pg, "http://x/webhook")
    assert (
        'url: "127.0.0.1"' in text and "host:" not in text and "port: 5433" in text and 'db: "rasa"' in text
    )
    assert "type: redis" in text and "port: 6380" in text
