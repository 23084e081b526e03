"""Channels a conversation comes in on, and which of them have no buyer behind them."""

from __future__ import annotations

SIMULATOR = "simulator"  # bot/simulate.py: trainers' and developers' test chats
# Never counted in the owner's numbers or the thresholds proposed from agents' decisions:
# test chats would inflate the automation and acceptance rates.
NOT_BUYERS = (SIMULATOR,)
# Their buyer is the person at this desk's terminal, who reads the reply from the database:
# a reply to them is sent once it is recorded (no gateway outbox delivers these channels).
SENT_ON_RECORD = (SIMULATOR,)
