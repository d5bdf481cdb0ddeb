"""The pure core of thidua: plain Python, no Django import.

Eligibility, vote tallies, quorum, award money, scoring maths and rule versions live here,
take plain values and return plain values with Vietnamese explanations and citations.
"""
