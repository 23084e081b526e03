"""Rasa's SQL tracker store, with each conversation's tracker kept in memory between turns.

Rasa's `SQLTrackerStore` reads every event of the conversation, decodes it and
replays it into a new tracker on each `retrieve`, and counts the stored events
again on each `save`: with our channel's read, about a third of a turn's CPU at
32 buyers (docs/benchmarks.md). Here a `retrieve` of a conversation this process
saved last costs one indexed `count(*)`, and a `save` is one multi-row insert
of the new events. The database stays the source of truth, row for row what
Rasa writes:
- a cached tracker is used only while the conversation has exactly the rows
  this process knows of (another server, a blue/green twin, or a manual fix may
  have added events: then it is read again, as Rasa would);
- a tracker that was changed but not saved (a turn that failed half-way) is
  read again;
- after a new session (`SessionStarted`) the cached tracker holds only the
  latest session, as Rasa's `retrieve` would return it.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)

DEFAULT_CACHE_SIZE = 5000  # conversations; a 10-turn tracker is a few tens of kB


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    stored: int  # how many of tracker.events are in the database
    rows: int  # the conversation's rows in the database, all sessions, when we last saved or read it

    @property
    def unchanged(self) -> bool:
        """Nothing was added to the tracker since it was saved or read (a failed turn adds unsaved events)."""
        return len(self.tracker.events) == self.stored


class CachedSQLTrackerStore(SQLTrackerStore):
    """`type: nlu.server.tracker_store.CachedSQLTrackerStore` in endpoints.yml; SQL options as for `type: SQL`."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cache: "OrderedDict[Text, _Entry]" = OrderedDict()
        self._cache_size = max(0, int(cache_size))
        table = self.SQLEvent.__table__
        self._count_query = (
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.sender_id == sa.bindparam("sender_id"))
        )

    # --- reading ---------------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        entry = self._cache.get(sender_id)
        if entry is not None:
            if entry.unchanged and self._count_rows(sender_id) == entry.rows:
                self._cache.move_to_end(sender_id)
                return entry.tracker
            self._cache.pop(sender_id, None)
        rows_before = self._count_rows(sender_id)
        if rows_before == 0:
            return None  # a new conversation
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(tracker, rows_before)
        return tracker

    def cached_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker this process last saved for `sender_id`, without a database query.

        For our channel, which reads the verdict of the message it just handled.
        """
        entry = self._cache.get(sender_id)
        return entry.tracker if entry is not None and entry.unchanged else None

    # --- writing ---------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        entry = self._cache.get(tracker.sender_id)
        if entry is None or entry.tracker is not tracker:
            # Not a tracker we handed out. A new conversation has nothing stored yet, so all
            # its events are new; otherwise let Rasa count what is stored.
            self._cache.pop(tracker.sender_id, None)
            if self._cache_size == 0 or self._count_rows(tracker.sender_id) != 0:
                await super().save(tracker)
                return
            entry = self._remember(tracker, rows=0, stored=0)
        await self.stream_events(tracker)
        new_events = list(itertools.islice(tracker.events, entry.stored, None))
        if new_events:
            with self.engine.begin() as connection:
                connection.execute(
                    self.SQLEvent.__table__.insert(), [self._row(tracker.sender_id, e) for e in new_events]
                )
        entry.stored = len(tracker.events)
        entry.rows += len(new_events)
        starts = [event.timestamp for event in new_events if isinstance(event, SessionStarted)]
        if starts:
            self._keep_latest_session(entry, max(starts))

    def _keep_latest_session(self, entry: _Entry, start: float) -> None:
        """Rasa's `retrieve` returns the events from the latest session start on: cache that tracker."""
        kept = [event for event in entry.tracker.events if event.timestamp >= start]
        if len(kept) < len(entry.tracker.events):
            sender_id = entry.tracker.sender_id
            self._cache[sender_id] = _Entry(
                DialogueStateTracker.from_events(sender_id, kept, self.domain.slots), len(kept), entry.rows
            )

    # --- helpers ---------------------------------------------------------------
    @staticmethod
    def _row(sender_id: Text, event: Any) -> Dict[Text, Any]:
        """One event's columns, as Rasa's own `save` stores them."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _count_rows(self, sender_id: Text) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(self._count_query, {"sender_id": sender_id}).scalar() or 0)

    def _remember(self, tracker: DialogueStateTracker, rows: int, stored: Optional[int] = None) -> _Entry:
        entry = _Entry(tracker, len(tracker.events) if stored is None else stored, rows)
        if self._cache_size:
            self._cache[tracker.sender_id] = entry
            self._cache.move_to_end(tracker.sender_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return entry
