#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
    from django.core.management import execute_from_command_line

    from mutuality.web.environment import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:  # a missing or wrong variable: say which, in one line
        print(f"Mutuality cannot start: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
