"""FakeRasa answers in the shape of our real inspect channel (tests/fakes/inspect_channel.json).

The Rasa env checks the real channel against the same description
(tests/nlu/test_channel_contract.py), so a change to one side fails a test.
"""

from __future__ import annotations

import httpx

from tests.fakes.inspect_contract import answer_mismatches, mismatches
from tests.fakes.rasa import FakeRasa, Turn

WEBHOOK = "/webhooks/inspect/webhook"


def _post(fake: FakeRasa, text: str) -> httpx.Response:
    return httpx.post(fake.url + WEBHOOK, json={"sender": "tg-1", "message": text, "message_id": "m1"})


def test_the_fakes_answer_has_the_channels_shape() -> None:
    fake = FakeRasa().start()
    try:
        fake.script["M码有吗"] = Turn(
            intent="ask_size", confidence=0.9, replies=["有的亲"], runner_up=("greet", 0.1)
        )
        for text in ("M码有吗", "unscripted"):
            resp = _post(fake, text)
            assert resp.status_code == 200
            assert answer_mismatches(resp.json()) == []
        fake.actions_down = True
        resp = _post(fake, "M码有吗")
        assert resp.status_code == 503
        assert mismatches(resp.json(), "error") == []
    finally:
        fake.stop()


def test_the_fake_reads_a_text_through_model_parse_without_a_turn() -> None:
    fake = FakeRasa().start()
    try:
        fake.script["能开发票吗"] = Turn(intent="ask_invoice", confidence=0.9, replies=["可以的亲"])
        resp = httpx.post(fake.url + "/model/parse", json={"text": "能开发票吗"})
        assert resp.status_code == 200
        assert resp.json()["intent"] == {"name": "ask_invoice", "confidence": 0.9}
        assert "messages" not in resp.json(), "Rasa's parse runs no action"
        assert fake.parsed == ["能开发票吗"] and fake.requests == [] and fake.received == []
        fake.down = True
        assert httpx.post(fake.url + "/model/parse", json={"text": "能开发票吗"}).status_code == 503
    finally:
        fake.stop()
