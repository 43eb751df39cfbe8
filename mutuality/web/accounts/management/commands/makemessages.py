"""Django's makemessages, reading only the project's own code and templates: the front-end
packages, collected files, tests, benchmarks and docs hold no string a person reads here.

`make messages` runs it (GNU gettext's xgettext: Debian's `gettext`); docs/architecture.md,
"Other languages", says how strings are marked.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import makemessages

NOT_READ = ["node_modules/*", "static/*", "var/*", "tests/*", "bench/*", "examples/*", "docs/*"]


class Command(makemessages.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *NOT_READ]
        super().handle(*args, **options)
