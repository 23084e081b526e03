"""Buyer text starting with "/" stays out of the Rasa server's log (issue 16, item 13)."""

from __future__ import annotations

import logging
import warnings

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.log_utils import configure_structlog

from nlu.server import log_privacy

DOMAIN = Domain.from_dict({"intents": ["greet"], "entities": ["size"]})
# Each makes Rasa's "/intent{...}" reader complain, quoting the whole line.
SLASH_TEXTS = ["/查一下 MARK-1", "/greet{MARK-2", "/greet@0.5 MARK-3", '/greet{"colour": "MARK-4"}']


def _warnings_while_parsing(texts: list[str], *, installed: bool) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("once", category=UserWarning)  # what `rasa run` sets up first
        if installed:
            log_privacy.install()  # what our channel does next
        for text in texts:
            YAMLStoryReader.unpack_regex_message(Message(data={"text": text}), DOMAIN)
    return "\n".join(str(w.message) for w in caught)


def test_rasas_warnings_about_slash_text_carry_the_text_without_our_filter():
    # The defect: every one of them names the buyer's words.
    shown = _warnings_while_parsing(SLASH_TEXTS, installed=False)
    assert all(f"MARK-{i}" in shown for i in range(1, 5))


def test_with_our_filter_no_warning_carries_buyer_text():
    shown = _warnings_while_parsing(SLASH_TEXTS, installed=True)
    assert "MARK" not in shown


def test_structlog_events_carry_no_buyer_text(caplog):
    configure_structlog(logging.INFO)  # as `rasa run` does
    log_privacy.install()
    with caplog.at_level(logging.INFO):
        YAMLStoryReader.unpack_regex_message(Message(data={"text": "/@MARK-5 在吗"}), DOMAIN)
    assert "message.parsing.failed" in caplog.text  # Rasa did log the event
    assert "MARK-5" not in caplog.text and log_privacy.WITHHELD in caplog.text
