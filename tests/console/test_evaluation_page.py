"""The trainers' evaluation result: scores with deltas, the confusion pictures (served to trainers and the
owner only), and the labelled file's numbers, or one line saying there is none.

The saved comparison here is what `trainer evaluate` writes (no model is trained: the pictures are
real PNGs drawn for the test); test_model_page.py runs a real evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from playwright.sync_api import Page, expect

from console.app import build_app
from console.settings import ConsoleSettings
from tests.console.conftest import ConsoleServer, Pages, _serving
from trainer.settings import Project


def _scores(macro: float, ask: float, greet: float) -> dict:
    return {
        "macro_f1": macro,
        "accuracy": macro + 0.01,
        "per_intent": {
            "ask_stock": {"precision": ask, "recall": ask, "f1": ask, "support": 3},
            "greet": {"precision": greet, "recall": greet, "f1": greet, "support": 3},
        },
    }


def _file_scores(macro_all: float, macro_large: float, accuracy: float, ask: float) -> dict:
    return {
        "file": "/shop/export/labels.tsv",
        "messages": 26,
        "rows_per_intent": {"ask_stock": 21, "greet": 5},
        "min_rows": 20,
        "large_intents": ["ask_stock"],
        "macro_f1_all": macro_all,
        "macro_f1_large": macro_large,
        "accuracy": accuracy,
        "per_intent": {
            "ask_stock": {"precision": ask, "recall": ask, "f1": ask, "support": 21},
            "greet": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 5},
        },
    }


def _comparison(trainer_dir: Path, *, with_file: bool) -> dict:
    candidate = {**_scores(0.9, 0.8, 1.0), "confusion_png": str(trainer_dir / "confusion_candidate.png")}
    live = {**_scores(0.85, 0.85, 0.85), "confusion_png": str(trainer_dir / "confusion_live.png")}
    comparison = {
        "heldout": "tests/nlu_heldout/heldout.yml",
        "n": 6,
        "models": {"candidate": candidate, "live": live},
        "confusion_change_png": str(trainer_dir / "confusion_change.png"),
        "at": "2026-12-06T08:00:00+00:00",
        "candidate": "models/b.tar.gz",
        "live": "models/a.tar.gz",
        "labelled": [
            {"text": "还有L码吗", "labelled": "ask_stock", "candidate": "ask_stock", "live": "greet"}
        ],
        "refused_because": ["ask_stock: F1 drops 5.0 points (0.850 → 0.800), more than 3"],
    }
    if with_file:
        comparison["labelled_file"] = {
            "file": "/shop/export/labels.tsv",
            "messages": 26,
            "real_buyers": False,
            "confusion_pngs": {
                w: str(trainer_dir / f"confusion_{w}.png") for w in ("file_candidate", "file_change")
            },
        }
        candidate["labelled_file"] = _file_scores(0.9, 0.75, 0.8, 0.75)
        live["labelled_file"] = _file_scores(0.8, 0.7, 0.7, 0.6)
    return comparison


def _write_evaluation(project: Project, *, with_file: bool) -> None:
    trainer_dir = project.trainer_dir
    trainer_dir.mkdir(parents=True, exist_ok=True)
    for name in ("candidate", "live", "change", "file_candidate", "file_change"):
        figure = Figure(figsize=(3, 3))
        figure.add_subplot().imshow([[1, 0], [0, 1]])
        figure.savefig(trainer_dir / f"confusion_{name}.png")
    last = trainer_dir / "last_evaluation.json"
    last.write_text(json.dumps(_comparison(trainer_dir, with_file=with_file)), encoding="utf-8")


@pytest.fixture
def evaluated(console_server: ConsoleServer, tmp_path: Path) -> Iterator[ConsoleServer]:
    """A console whose trainer project has a saved evaluation (candidate, live, a labelled file)."""
    project = Project(root=tmp_path / "project")
    _write_evaluation(project, with_file=True)
    settings = ConsoleSettings(
        database_url=console_server.db_url,
        secret_key="test-" * 10,
        var_dir=tmp_path / "var",
        routing_file=console_server.routing_file,
    )
    with _serving(build_app(settings, project=project)) as (base_url, app):
        yield ConsoleServer(base_url, console_server.db_url, project, app, console_server.routing_file)


def picture_loads(page: Page, selector: str) -> None:
    """The picture is a PNG the server gave (200, image/png) and the browser drew (natural width > 0)."""
    image = page.locator(selector)
    assert (image.get_attribute("alt") or "").strip()
    response = page.request.get(image.get_attribute("src"))
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())


def test_the_evaluation_shows_deltas_pictures_and_the_labelled_files_numbers(
    browser, evaluated, signed_sessions
):
    pages = Pages(browser, evaluated, signed_sessions)
    page = pages.signed_in("trainer1")
    page.goto("/trainer/model")
    held = page.locator("#heldout-scores")
    expect(held.locator("tr", has_text="全部意图")).to_contain_text("+5.0")
    expect(held.locator("tr.down", has_text="ask_stock")).to_contain_text("-5.0")
    expect(page.locator("#verdict")).to_contain_text("不能上线")
    for which in ("candidate", "live", "change", "file_candidate", "file_change"):
        picture_loads(page, f"#confusion-{which}")
    expect(page.locator("#labelled-file")).to_contain_text("labels.tsv（26 条")
    summary = page.locator("#labelled-file-summary")
    expect(summary.locator("tr", has_text="至少 20 条")).to_contain_text("+5.0")
    expect(summary.locator("tr", has_text="准确率")).to_contain_text("0.800")
    expect(page.locator("#labelled-file-intents tr.up", has_text="ask_stock")).to_contain_text("+15.0")
    # greet scores 1.000 on the file for both models: no change is "0.0", never "+0.0"
    expect(page.locator("#labelled-file-intents tr", has_text="greet").locator("td.change")).to_have_text(
        "0.0"
    )
    expect(page.locator("#labelled-messages")).to_contain_text("还有L码吗")
    for context in pages.contexts:
        context.close()


def test_without_a_labelled_file_the_page_says_so_in_one_line(browser, evaluated, signed_sessions):
    _write_evaluation(evaluated.project, with_file=False)
    pages = Pages(browser, evaluated, signed_sessions)
    page = pages.signed_in("trainer1")
    page.goto("/trainer/model")
    expect(page.locator("#labelled-file")).to_contain_text("没有真实买家标注文件")
    expect(page.locator("#labelled-file-summary")).to_have_count(0)
    expect(page.locator("#confusion-file_candidate")).to_have_count(
        0
    )  # a picture left from before: not shown
    assert page.request.get("/trainer/model/confusion/file_candidate.png").status == 404
    for context in pages.contexts:
        context.close()


def test_only_trainers_and_the_owner_get_the_pictures_and_only_by_name(browser, evaluated, signed_sessions):
    pages = Pages(browser, evaluated, signed_sessions)
    url = "/trainer/model/confusion/candidate.png"
    assert pages.signed_in("owner1").request.get(url).status == 200
    agent = pages.signed_in("agent1")
    assert agent.request.get(url).status == 403
    trainer = pages.signed_in("trainer1")
    for wrong in ("other", "..%2Flast_evaluation.json%00", "..%2F..%2Fvar%2Ftrainer%2Fconfusion_live"):
        assert trainer.request.get(f"/trainer/model/confusion/{wrong}.png").status == 404
    assert trainer.request.get("/trainer/model/confusion/../last_evaluation.json").status == 404
    signed_out = pages.new()
    response = signed_out.request.get(url, max_redirects=0)
    assert response.status in (302, 303) and "/signin" in response.headers["location"]
    (evaluated.project.trainer_dir / "confusion_live.png").unlink()  # gone: not found, not an error
    assert trainer.request.get("/trainer/model/confusion/live.png").status == 404
    for context in pages.contexts:
        context.close()
