"""Performance harness: `python -m bench --size small|province [--smoke]`.

Builds deterministic synthetic data in a throwaway database, runs every registered
measurement beside its baseline, and writes bench/results/*.json and *.md.
"""
