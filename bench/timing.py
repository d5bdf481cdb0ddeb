"""Repeated timing of a callable and the summary statistics the report prints."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sample list."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timing:
    samples_ms: list[float]

    @property
    def n(self) -> int:
        return len(self.samples_ms)

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "p50_ms": round(self.p50, 3),
            "p95_ms": round(self.p95, 3),
            "min_ms": round(min(self.samples_ms), 3),
            "max_ms": round(max(self.samples_ms), 3),
        }


def run_timed(func: Callable[[], Any], *, repeat: int, warmup: int) -> tuple[Timing, Any]:
    """Call `func` `warmup` times untimed, then `repeat` times timed; return the timing and
    the last return value (so the caller can check the work was real)."""
    result = None
    for _ in range(warmup):
        result = func()
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        result = func()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return Timing(samples), result


@dataclass
class Result:
    """One measured row beside its baseline (both timed in the same run, same repetitions)."""

    name: str
    label: str
    timing: Timing
    baseline_label: str
    baseline: Timing
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            **self.timing.as_dict(),
            "baseline": {"label": self.baseline_label, **self.baseline.as_dict()},
            "ratio_p50": round(self.timing.p50 / self.baseline.p50, 2) if self.baseline.p50 > 0 else None,
            "note": self.note,
            "extra": self.extra,
        }
