"""zopa's reports: figures, HTML/Markdown/PDF reports, exports and the ``zopa`` CLI.

Everything a person sees lives here; the computation lives in :mod:`engine`.
"""
