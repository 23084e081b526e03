"""Benchmarks of the assistant: `python -m bench` (make bench). See docs/benchmarks.md."""
