"""``python -m reports.cli`` is the same as ``zopa``."""

from reports.cli.main import run

run()
