"""stack/servers: the promoted model is served; pid files let another process stop a server."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from stack.servers import StartError, find_model, pid_file, stop_recorded
from stack.settings import load_settings


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


def test_a_promotion_ignores_an_upstream_file_whose_server_pid_was_reused(tmp_path):
    # A killed stack left upstream.json and a pid file; since then its pid runs another program.
    from stack.upstream import write_upstream
    from trainer.bluegreen import switch_to
    from trainer.settings import Project

    project = Project(root=tmp_path)
    settings = replace(load_settings({}), var_dir=project.var_dir)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        upstream = settings.run_dir / "upstream.json"
        write_upstream(upstream, ["http://127.0.0.1:5999"], pids=[other.pid], token="t")
        data = json.loads(upstream.read_text(encoding="utf-8"))
        data["servers"][0]["started"] = "1"  # the server that wrote it started long before `other`
        upstream.write_text(json.dumps(data), encoding="utf-8")
        pid_file(settings, 5999).write_text(str(other.pid), encoding="utf-8")
        switch = switch_to(project, tmp_path / "models" / "new.tar.gz")
        assert switch.mode == "state-only"  # nothing to switch: the next start serves the new model
        assert other.poll() is None  # and the unrelated process was not stopped as "the old server"
    finally:
        other.kill()
        other.wait()
