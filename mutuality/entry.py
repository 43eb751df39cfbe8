"""The `mutuality` command: web commands go to Django, everything else to the pure CLI.

`mutuality.cli` must never import Django (import-linter enforces it), so the
commands that need the database (`import`, `export`, `report`, `generate`) are routed here, before
anything imports either side.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

WEB_COMMANDS = frozenset(
    {
        *("import", "export", "reassess", "report", "generate", "audit", "backup", "restore"),
        "retention",
        "token",
    }
)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in WEB_COMMANDS:
        from mutuality.web.commands import main as web_main

        code: int = web_main(args)
        return code
    from mutuality.cli import main as cli_main

    return cli_main(args)


def run() -> None:
    sys.exit(main())
