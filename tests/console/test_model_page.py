"""A trainer trains, evaluates and promotes from the console (trainer/ on a tiny project); an agent cannot.

The evaluation also scores a labelled file (tests/trainer/tiny_labelled.tsv, written for these
tests, as a shop's own export would be): the page shows its numbers, never its texts.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import expect

from console.app import build_app
from console.settings import ConsoleSettings
from stack.servers import free_port
from tests.console.conftest import ConsoleServer, Pages
from tests.console.test_evaluation_page import picture_loads
from tests.trainer.tiny import LABELLED, make_tiny_project
from trainer import state as st
from trainer.settings import Project

pytestmark = pytest.mark.slow
TRAINING_MS = 600_000  # the tiny project trains in tens of seconds; a loaded machine is slower


@pytest.fixture
def tiny_console(console_server: ConsoleServer, tmp_path) -> Iterator[ConsoleServer]:
    """A second console on the session's database whose trainer/ project is a tiny one."""
    project = Project(root=make_tiny_project(tmp_path / "tiny"), drain_s=5.0, labelled_tsv=LABELLED)
    settings = ConsoleSettings(
        database_url=console_server.db_url,
        secret_key="test-" * 10,
        var_dir=tmp_path / "var",
        routing_file=console_server.routing_file,
    )
    app = build_app(settings, project=project)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive()
        time.sleep(0.05)
    try:
        yield ConsoleServer(
            f"http://127.0.0.1:{port}", console_server.db_url, project, app, console_server.routing_file
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        subprocess.run(
            [str(project.rasa_python), "scripts/train.py", "--stop-worker"],
            cwd=project.root,
            capture_output=True,
            timeout=60,
        )


def test_a_trainer_trains_evaluates_and_promotes_and_an_agent_cannot(browser, tiny_console, signed_sessions):
    pages = Pages(browser, tiny_console, {})  # cookies of the session's console are signed with the same key
    page = pages.signed_in("trainer1")
    page.goto("/trainer/model")
    expect(page.locator("#candidate-model")).to_contain_text("先训练")
    page.click("#do-train")
    expect(page.locator(".flash")).to_contain_text("开始训练")
    expect(page.locator("#job-status")).to_contain_text("完成", timeout=TRAINING_MS)
    project = tiny_console.project
    candidate = st.load(project.trainer_dir).candidate
    assert candidate and (project.root / candidate).exists()
    expect(page.locator("#candidate-model")).to_have_text(candidate)

    page.click("#do-evaluate")
    expect(page.locator("#job-status")).to_contain_text("完成", timeout=TRAINING_MS)
    expect(page.locator("#evaluation")).not_to_be_empty()
    picture_loads(page, "#confusion-candidate")
    picture_loads(page, "#confusion-file_candidate")  # the candidate on the labelled file
    expect(page.locator("#labelled-file")).to_contain_text("tiny_labelled.tsv（12 条")
    expect(page.locator("#labelled-file-summary")).to_contain_text("准确率")
    expect(page.locator("#labelled-file-intents")).to_contain_text("ask_shipping_fee")
    texts = [line.split("\t")[0] for line in LABELLED.read_text(encoding="utf-8").splitlines()[1:]]
    saved = (project.trainer_dir / "last_evaluation.json").read_text(encoding="utf-8")
    html = page.content()
    assert not [t for t in texts if t in html or t in saved]  # numbers and intent names only
    job = page.request.get("/trainer/model/job").json()
    assert any(line.startswith("candidate: classifying") for line in job["lines"])  # its progress was shown

    page.fill(".promote input[name=why]", "first model")
    page.click("#do-promote")
    expect(page.locator(".flash")).to_contain_text("候选模型已上线")
    assert st.load(project.trainer_dir).live == candidate
    expect(page.locator("table.history")).to_contain_text("trainer1")

    agent = pages.signed_in("agent1")
    token = agent.locator("meta[name=csrf-token]").get_attribute("content")
    assert agent.request.post("/trainer/model/promote", form={"csrf": token}).status == 403
    assert agent.goto("/trainer/model").status == 403
    for context in pages.contexts:
        context.close()
