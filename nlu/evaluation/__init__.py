"""NLU evaluation: cross-validation, held-out and labelled scores, model comparison, auto-send thresholds."""
