"""Allow ``python -m selection``."""

import sys

from selection.cli.main import main

sys.exit(main())
