"""Channels a conversation comes in on, and which of them have no buyer behind them."""

from __future__ import annotations

SIMULATOR = "simulator"  # bot/simulate.py: trainers' and developers' test chats
# Never counted in the owner's numbers or the thresholds proposed from agents' decisions:
# test chats would inflate the automation and acceptance rates.
NOT_BUYERS = (SIMULATOR,)
