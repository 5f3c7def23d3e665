"""The immutable case model, its errors, and the parsing of position values.

Nothing here imports any other part of :mod:`engine`.
"""
