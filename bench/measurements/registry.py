"""The list of measurements. A later issue adds one by writing a function in a module of this
package, decorating it with `@measurement(...)` and importing the module in `__init__.py`.

A measurement function receives the `BenchContext` and returns a list of `Result` rows; each
row carries its own baseline measured in the same run. Raising `Skipped(note)` records the
measurement as skipped with the note (for a page that does not exist yet, say) instead of
failing the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


class Skipped(Exception):
    """The measurement cannot run in this build; the message says why."""


@dataclass(frozen=True)
class Measurement:
    name: str
    label: str
    func: Callable


MEASUREMENTS: list[Measurement] = []


def measurement(name: str, label: str) -> Callable:
    def decorator(func: Callable) -> Callable:
        if any(m.name == name for m in MEASUREMENTS):
            raise ValueError(f"measurement {name!r} registered twice")
        MEASUREMENTS.append(Measurement(name=name, label=label, func=func))
        return func

    return decorator
