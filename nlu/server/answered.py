"""Answer a message Rasa already handled instead of handling it twice.

The gateway retries a message after a connection reset or a timeout, and Rasa
may have handled the first try (logged the buyer's message, run the action,
filed a return). Every request carries the gateway's message id, stable per
stored message; a second request with an id already seen for that sender gets
the first one's answer. In memory the answer is kept (and a request still in
flight is waited for); after a restart the tracker's events rebuild it. Only
answers that succeeded are kept: a message that failed is handled again.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

Answer = Tuple[int, Dict[Text, Any]]  # HTTP status, JSON body
MESSAGE_FIELDS = ("image", "buttons", "attachment", "custom")
# How far back a retried message is looked for in a tracker (a retry comes soon).
EVENTS_SEARCHED = 200


class AnsweredMessages:
    """The last answers per sender, by message id; only successful answers are kept."""

    # The gateway has one message per chat at Rasa at a time, so a retry is of the
    # sender's latest message or the one before: a few answers per sender suffice.
    def __init__(self, *, per_sender: int = 2, senders: int = 5_000) -> None:
        self._per_sender = per_sender
        self._senders = senders
        self._answers: "OrderedDict[Text, OrderedDict[Text, asyncio.Future]]" = OrderedDict()

    def claim(self, sender: Text, message_id: Text) -> Tuple["asyncio.Future[Answer]", bool]:
        """The message's answer to await, and True when this is its first request: the
        caller handles it and passes the answer to `finish`."""
        answers = self._answers.setdefault(sender, OrderedDict())
        self._answers.move_to_end(sender)
        while len(self._answers) > self._senders:
            self._answers.popitem(last=False)
        if message_id in answers:
            return answers[message_id], False
        future: "asyncio.Future[Answer]" = asyncio.get_running_loop().create_future()
        answers[message_id] = future
        while len(answers) > self._per_sender:
            answers.popitem(last=False)
        return future, True

    def finish(
        self, sender: Text, message_id: Text, future: "asyncio.Future[Answer]", answer: Answer
    ) -> None:
        """Gives `answer` to every request waiting on `future`; forgets it unless it
        succeeded, so that a later retry handles the message again."""
        if not future.done():
            future.set_result(answer)
        answers = self._answers.get(sender)
        if answer[0] != 200 and answers is not None and answers.get(message_id) is future:
            del answers[message_id]


def messages_from_tracker(tracker: DialogueStateTracker, message_id: Text) -> Optional[Tuple[Dict, List]]:
    """The parse data and bot messages of the user message `message_id`, if the tracker
    has it with a reply: a turn whose action never ran (no action server) is handled again."""
    events = list(tracker.events)[-EVENTS_SEARCHED:]
    for index, event in enumerate(events):
        if isinstance(event, UserUttered) and event.message_id == message_id:
            messages = []
            for later in events[index + 1 :]:
                if isinstance(later, UserUttered):
                    break
                if isinstance(later, BotUttered):
                    message = {"recipient_id": tracker.sender_id, "text": later.text}
                    message.update({k: later.data.get(k) for k in MESSAGE_FIELDS})
                    messages.append({k: v for k, v in message.items() if v is not None})
            return (event.parse_data, messages) if messages else None
    return None
