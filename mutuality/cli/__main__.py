"""`python -m mutuality.cli`."""

import sys

from . import main

sys.exit(main())
