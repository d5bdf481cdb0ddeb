"""Measurements register themselves in `registry.MEASUREMENTS` when their module is imported."""

# Import order is report order.
from bench.measurements import registry_search, pages, scoring, history, voting, conference, documents, initiatives  # noqa: F401, I001
from bench.measurements.registry import MEASUREMENTS, Measurement, Skipped, measurement

__all__ = ["MEASUREMENTS", "Measurement", "Skipped", "measurement"]
