"""`mutuality import FILE... --organisation SLUG`, `mutuality export ID` and
`mutuality report transparency --organisation SLUG [--format json|csv|html]`.

They use the database named by DATABASE_URL (the SQLite file under var/ by
default), which `manage.py migrate` prepares.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

INVALID = 2
TRANSPARENCY_FORMATS = ("json", "csv", "html")
TRANSPARENCY_HELP = (
    "Print the organisation's transparency report as a draft: its figures as they stand now, "
    "with disclosure control applied, which is what publishing now would freeze. Published "
    "versions are on the web at /reports/public/SLUG/."
)


REASSESS_HELP = (
    "Assess relationships again and rewrite the stored rows every list and report reads. Run "
    "it after changing the policy or upgrading Mutuality; a progress bar goes to stderr."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mutuality")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="Import case files into an organisation.")
    importing.add_argument("files", nargs="+", type=Path)
    importing.add_argument("--organisation", required=True, help="Organisation slug.")
    exporting = commands.add_parser("export", help="Print a relationship as a case file.")
    exporting.add_argument("id", type=int)
    reassessing = commands.add_parser(
        "reassess",
        help="Assess relationships again (after a change of policy or engine), in batches.",
        description=REASSESS_HELP,
    )
    which = reassessing.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="Every relationship.")
    which.add_argument("--organisation", help="Every relationship of one organisation (slug).")
    which.add_argument("--id", type=int, action="append", help="One relationship (repeatable).")
    which.add_argument(
        "--missing",
        action="store_true",
        help="Every relationship with no stored assessment yet (after an upgrade; cheap to repeat).",
    )
    reporting = commands.add_parser("report", help="Print a report.")
    reports = reporting.add_subparsers(dest="report", required=True)
    transparency = reports.add_parser(
        "transparency", help=TRANSPARENCY_HELP, description=TRANSPARENCY_HELP
    )
    transparency.add_argument("--organisation", required=True, help="Organisation slug.")
    transparency.add_argument("--format", choices=TRANSPARENCY_FORMATS, default="json")
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


def _reassess(args: argparse.Namespace) -> int:
    from django.db.models import Count
    from rich.progress import Progress

    from mutuality.web.accounts.models import Organisation
    from mutuality.web.audit.actions import record
    from mutuality.web.relationships.actions import reassess_many
    from mutuality.web.relationships.models import Relationship

    relationships = Relationship.objects.all()
    if args.missing:
        relationships = relationships.filter(periods__isnull=True)
    elif args.organisation is not None:
        organisation = Organisation.objects.filter(slug=args.organisation).first()
        if organisation is None:
            print(f"no organisation with slug {args.organisation!r}", file=sys.stderr)
            return INVALID
        relationships = relationships.filter(organisation=organisation)
    elif args.id:
        relationships = relationships.filter(pk__in=args.id)
        missing = sorted(set(args.id) - set(relationships.values_list("pk", flat=True)))
        if missing:
            print(f"no relationship with id {missing[0]}", file=sys.stderr)
            return INVALID
    total = relationships.count()
    with Progress(console=_stderr_console(), transient=True) as progress:
        task = progress.add_task("Reassessing", total=total)
        done = reassess_many(
            relationships,
            reason="reassessed from the command line",
            progress=lambda n: progress.advance(task, n),
        )
    counted = relationships.order_by().values("organisation").annotate(n=Count("pk"))
    for row in counted:
        organisation = Organisation.objects.get(pk=row["organisation"])
        record(
            user=None,
            action="reassess",
            obj=organisation,
            organisation_id=organisation.pk,
            relationships=row["n"],
            via="command line",
        )
    print(f"reassessed {done} relationship{'s' if done != 1 else ''}")
    return 0


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _transparency(organisation_slug: str, form: str) -> int:
    from mutuality.transparency import to_csv, to_json
    from mutuality.web.accounts.models import Organisation
    from mutuality.web.reports.transparency_data import draft_report
    from mutuality.web.reports.views.transparency import render_document

    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        print(f"no organisation with slug {organisation_slug!r}", file=sys.stderr)
        return INVALID
    report = draft_report(organisation)
    renderers = {"json": to_json, "csv": to_csv, "html": render_document}
    sys.stdout.write(renderers[form](report))
    return 0


def main(argv: Sequence[str]) -> int:
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as stop:  # argparse has printed the usage problem
        return INVALID if stop.code else 0
    from mutuality.web.environment import ConfigurationError

    try:
        _setup_django()
    except ConfigurationError as error:  # a missing or wrong variable: say which, in one line
        print(f"mutuality cannot start: {error}", file=sys.stderr)
        return INVALID
    from django.db import DatabaseError

    try:
        if args.command == "import":
            return _import(args.files, args.organisation)
        if args.command == "reassess":
            return _reassess(args)
        if args.command == "report":
            return _transparency(args.organisation, args.format)
        return _export(args.id)
    except DatabaseError as error:
        print(
            f"the database is not ready ({error}); run `.venv/bin/python manage.py migrate` first",
            file=sys.stderr,
        )
        return INVALID
