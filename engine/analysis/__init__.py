"""Analyses of one case: per-issue arrays, pairwise measures and matrices, agreement zones,
the incompatibility graph, and history over snapshots.
"""
