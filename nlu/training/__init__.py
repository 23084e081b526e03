"""Training speed-ups (same model as `rasa train`) and the warm training worker (`scripts/train.py --worker`)."""
