"""Tiny timing/reporting helpers shared by the benchmark scripts."""

import json
import time


def best_of(fn, repeat: int = 5) -> float:
    """Best wall-clock time of ``repeat`` calls, in seconds (least noisy estimate)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def emit(figures: dict) -> None:
    """Print the figures as one JSON object, the last line a script outputs."""
    print(json.dumps(figures, sort_keys=True))
