"""Tools for the shop's trainers: inbox, labelling, training, evaluation, promotion.

Runs in the app env; everything that imports Rasa runs in the Rasa env as a
subprocess (`nlu.evaluation.compare`, `scripts/train.py`).
"""
