"""Latency statistics: percentiles and one summary per load phase (pure, no I/O)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def percentile(values: Sequence[float], pct: float) -> float:
    """The `pct` percentile by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    if not 0 <= pct <= 100:
        raise ValueError("pct must be within 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(latencies_s: Sequence[float], *, elapsed_s: float, errors: int = 0) -> dict[str, Any]:
    """Count, throughput and p50/p95/p99/max in milliseconds of one phase."""
    done = len(latencies_s)
    out: dict[str, Any] = {
        "messages": done,
        "errors": errors,
        "elapsed_s": round(elapsed_s, 2),
        "throughput_mps": round(done / elapsed_s, 2) if elapsed_s > 0 else 0.0,
    }
    if done:
        for pct in (50, 95, 99):
            out[f"p{pct}_ms"] = round(percentile(latencies_s, pct) * 1000, 1)
        out["max_ms"] = round(max(latencies_s) * 1000, 1)
        out["mean_ms"] = round(sum(latencies_s) / done * 1000, 1)
    return out


def ratio(numerator: float | None, denominator: float | None, digits: int | None = 2) -> float | None:
    """numerator / denominator, rounded (`digits=None`: exact); None when either is missing or the
    denominator is 0."""
    if numerator is None or not denominator:
        return None
    value = numerator / denominator
    return value if digits is None else round(value, digits)
