"""WSGI entry point."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from mutuality.web.environment import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
try:
    application = get_wsgi_application()
except ConfigurationError as error:  # a missing or wrong variable: say which, in one line
    print(f"Mutuality cannot start: {error}", file=sys.stderr)
    raise SystemExit(1) from None
