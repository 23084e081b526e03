"""The gateway: Telegram buyers and the agent desk, auto-send routing, the simulator."""
