"""Blue/green promote while messages stream through RasaClient: none is lost."""

from __future__ import annotations

import asyncio
import shutil
import socket

import httpx
import pytest

from desk.rasa_client import RasaClient
from stack.servers import free_port, pid_file, start_rasa_server, stop, stop_recorded
from stack.upstream import write_upstream
from trainer import state as st
from trainer.bluegreen import server_settings
from trainer.promote import promote

pytestmark = pytest.mark.slow


async def _stream(client: RasaClient, stop_after: asyncio.Event, answers: list, sent: list) -> None:
    """Three conversations, each one message at a time (as the gateway sends them)."""

    async def one(conv: str) -> None:
        texts = ["你好", "有货吗", "运费多少", "便宜点吧"]
        n = 0
        while not stop_after.is_set() or n < 8:
            text = texts[n % len(texts)]
            sent.append(text)
            turn = await client.send(f"conv-{conv}", text, {"channel": "simulator", "user_id": conv})
            answers.append((client.url_for(f"conv-{conv}"), turn))
            n += 1
            await asyncio.sleep(0.05)

    await asyncio.gather(*(one(c) for c in "abc"))


def test_promote_during_a_stream_loses_no_message(tiny_with_model):
    project = tiny_with_model
    settings = server_settings(project)
    old_model = project.root / st.load(project.trainer_dir).candidate
    new_model = old_model.with_name("candidate-b.tar.gz")
    shutil.copy(old_model, new_model)
    state = st.load(project.trainer_dir)
    state.live, state.candidate = str(old_model.relative_to(project.root)), "models/candidate-b.tar.gz"
    st.save(project.trainer_dir, state)
    # The evaluation gate passed already (saved for exactly these two models).
    st.write_json_atomic(
        project.trainer_dir / "last_evaluation.json",
        {"candidate": state.candidate, "live": state.live, "refused_because": [], "models": {}},
    )
    processes = []
    try:
        token = "promote-test-token"
        old_url = start_rasa_server(
            settings, old_model, "http://127.0.0.1:9/webhook", processes, port=free_port(), token=token
        )
        upstream = settings.run_dir / "upstream.json"
        write_upstream(upstream, [old_url], pids=[processes[0].pid], token=token)

        async def scenario():
            client = RasaClient(["http://127.0.0.1:1"], timeout_s=30, upstream_file=upstream)
            done, answers, sent = asyncio.Event(), [], []
            streaming = asyncio.create_task(_stream(client, done, answers, sent))
            switch, _ = await asyncio.to_thread(promote, project, force=False, by="t", why=None)
            done.set()
            await streaming
            await client.aclose()
            return switch, answers, sent

        switch, answers, sent = asyncio.run(scenario())
        assert switch.mode == "blue-green" and switch.old_urls == [old_url]
        assert len(answers) == len(sent) > 20
        assert all(turn.messages and turn.intent != "nlu_fallback" for _, turn in answers)
        served_by = {url for url, _ in answers}
        assert served_by == {old_url, switch.new_urls[0]}  # both served: the switch happened mid-stream
        old_port = httpx.URL(old_url).port
        assert not pid_file(settings, old_port).exists()
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", old_port)) != 0  # the old server is gone
        status = httpx.get(switch.new_urls[0] + "/status", params={"token": token}, trust_env=False).json()
        assert status["model_file"].endswith("candidate-b.tar.gz")
        assert st.load(project.trainer_dir).live == "models/candidate-b.tar.gz"
        print(
            f"promote: ready {switch.start_s:.1f} s, switch {switch.switch_s * 1000:.2f} ms, "
            f"drain {switch.drain_s:.1f} s, total {switch.total_s:.1f} s, {len(sent)} messages"
        )
    finally:
        stop(processes)
        for url in switch.new_urls if "switch" in locals() else []:
            stop_recorded(settings, httpx.URL(url).port or 0)
