"""bot/servers: the promoted model is served; pid files let another process stop a server."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from bot.servers import StartError, find_model, pid_file, stop_recorded
from bot.settings import load_settings


def test_find_model_serves_the_live_model_when_one_is_recorded(tmp_path):
    settings = replace(load_settings({}), var_dir=tmp_path / "var", project_root=tmp_path)
    (tmp_path / "models").mkdir()
    live = tmp_path / "models" / "live.tar.gz"
    live.write_bytes(b"x")
    state = tmp_path / "var" / "trainer" / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"live": "models/live.tar.gz"}), encoding="utf-8")
    assert find_model(settings) == live
    assert find_model(replace(settings, model_path=live)) == live  # RASA_MODEL still wins
    live.unlink()
    with pytest.raises(StartError, match="live model .* is missing.*rollback"):
        find_model(settings)


def test_a_recorded_server_can_be_stopped_from_another_process(tmp_path):
    settings = replace(load_settings({}), var_dir=tmp_path)
    settings.run_dir.mkdir(parents=True)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    pid_file(settings, 5999).write_text(str(proc.pid), encoding="utf-8")
    stop_recorded(settings, 5999, grace_s=5)
    assert proc.wait(timeout=5) is not None
    assert not pid_file(settings, 5999).exists()
    stop_recorded(settings, 5999)  # nothing recorded: nothing to do
