"""Local stand-ins for Telegram's Bot API and for our Rasa inspect channel."""
