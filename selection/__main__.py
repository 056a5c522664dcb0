"""Allow ``python -m selection``."""

import sys

from .cli import main

sys.exit(main())
