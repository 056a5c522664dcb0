"""Allow ``python -m selection``."""

import sys

from selection.cli import main

sys.exit(main())
