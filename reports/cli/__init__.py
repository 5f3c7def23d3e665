"""The ``zopa`` command line: one module per command group; they parse, call the engine and print."""

from reports.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
