"""Case data shipped with zopa: one folder per case (see docs/format.md).

This package holds data only; ``engine.shipped_cases()`` lists the cases and
``engine.load_case("<id>")`` loads one.
"""
