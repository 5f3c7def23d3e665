"""``python -m reports.cli`` is the same as ``zopa``."""

import sys

from reports.cli.main import main

sys.exit(main())
