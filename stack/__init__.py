"""The servers behind the assistant: start/stop the action and Rasa servers, their settings and upstream file."""
