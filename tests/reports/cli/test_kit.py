"""The CLI's copies of engine vocabularies, kept so that building the parser loads no pandas or scipy."""

from __future__ import annotations

from engine.analysis.measures import MATRIX_KINDS
from engine.solve.settlement import OBJECTIVES
from reports.cli import kit


def test_matrix_kinds_are_the_engines():
    assert kit.MATRIX_KINDS == MATRIX_KINDS


def test_settlement_objectives_are_the_engines():
    assert kit.SETTLEMENT_OBJECTIVES == OBJECTIVES
