"""`mutuality import FILE... --organisation SLUG` and `mutuality export ID`.

They use the database named by DATABASE_URL (the SQLite file under var/ by
default), which `manage.py migrate` prepares.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mutuality")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="Import case files into an organisation.")
    importing.add_argument("files", nargs="+", type=Path)
    importing.add_argument("--organisation", required=True, help="Organisation slug.")
    exporting = commands.add_parser("export", help="Print a relationship as a case file.")
    exporting.add_argument("id", type=int)
    return parser


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
    import django

    django.setup()


def _import(files: Sequence[Path], organisation_slug: str) -> int:
    from django.utils.text import slugify

    from mutuality.framework import FrameworkError, load_case
    from mutuality.web.accounts.models import Organisation
    from mutuality.web.audit.actions import record
    from mutuality.web.relationships.case_io import import_case

    slug = slugify(organisation_slug)
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": slug})
    failed = False
    for path in files:
        try:
            relationship = import_case(load_case(path), organisation)
        except FrameworkError as error:
            failed = True
            print(str(error), file=sys.stderr)
            continue
        record(
            user=None,
            action="import",
            obj=relationship,
            relationship_id=relationship.pk,
            organisation_id=organisation.pk,
            source=str(path),
            via="command line",
        )
        print(f"imported {relationship.pk} {relationship.title}")
    return INVALID if failed else 0


def _export(relationship_id: int) -> int:
    from mutuality.web.audit.actions import record
    from mutuality.web.relationships.case_io import export_yaml
    from mutuality.web.relationships.models import Relationship

    relationship = Relationship.objects.filter(pk=relationship_id).first()
    if relationship is None:
        print(f"no relationship with id {relationship_id}", file=sys.stderr)
        return INVALID
    sys.stdout.write(export_yaml(relationship))
    record(
        user=None,
        action="export",
        obj=relationship,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        via="command line",
    )
    return 0


def main(argv: Sequence[str]) -> int:
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as stop:  # argparse has printed the usage problem
        return INVALID if stop.code else 0
    _setup_django()
    from django.db import DatabaseError

    try:
        if args.command == "import":
            return _import(args.files, args.organisation)
        return _export(args.id)
    except DatabaseError as error:
        print(
            f"the database is not ready ({error}); run `.venv/bin/python manage.py migrate` first",
            file=sys.stderr,
        )
        return INVALID
