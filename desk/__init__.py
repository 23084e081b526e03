"""The agent desk without any front end: storage, the message pipeline, routing, texts (no telegram)."""
