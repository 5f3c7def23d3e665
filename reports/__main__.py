"""``python -m reports`` is the same as ``zopa``."""

import sys

from .cli import main

sys.exit(main())
