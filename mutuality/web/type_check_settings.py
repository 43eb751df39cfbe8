"""The settings mypy's Django plugin reads (pyproject.toml, [tool.django-stubs]).

Type checking has no secret key, so it reads the demo's settings; their types are the same
as production's. Nothing else imports this module.
"""

import os

os.environ.setdefault("MUTUALITY_DEMO", "1")

from mutuality.web.settings import *  # noqa: F403
