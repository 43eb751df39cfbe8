"""`mutuality import FILE... --organisation SLUG`, `mutuality export ID`,
`mutuality report transparency --organisation SLUG [--format json|csv|html]`,
`mutuality generate --organisation SLUG --relationships N [--seed S] [--append]`,
`mutuality retention [--dry-run]`, `mutuality token create --user NAME [--expires DAYS]` and the
others `_parser` lists.

They use the database named by DATABASE_URL (the SQLite file under var/ by
default), which `manage.py migrate` prepares.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

INVALID = 2
TRANSPARENCY_FORMATS = ("json", "csv", "html")
TRANSPARENCY_HELP = (
    "Print the organisation's transparency report as a draft: its figures as they stand now, "
    "with disclosure control applied, which is what publishing now would freeze. Published "
    "versions are on the web at /reports/public/SLUG/."
)


REASSESS_HELP = (
    "Assess relationships again and rewrite the stored rows every list and report reads (with "
    "--all, --organisation or --missing, the tallies of each organisation reassessed are built "
    "again from nothing too). "
    "Run it after changing the policy or upgrading Mutuality; a progress bar goes to stderr."
)


GENERATE_HELP = (
    "Make a synthetic organisation of N relationships (every stage, records and about 20 "
    "outcome scores each, all assessed) with logins for every role, and print one JSON object "
    "per login: username, role, email, password, display_name. The same --seed makes the same "
    "service; the logins share one password."
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one line, not the usage and a line."""

    def error(self, message: str) -> NoReturn:
        self.exit(INVALID, f"{self.prog}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mutuality")
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
        help="Every relationship whose stored assessment is missing or older than this release "
        "(after an upgrade; cheap to repeat).",
    )
    reporting = commands.add_parser("report", help="Print a report.")
    reports = reporting.add_subparsers(dest="report", required=True)
    transparency = reports.add_parser(
        "transparency", help=TRANSPARENCY_HELP, description=TRANSPARENCY_HELP
    )
    transparency.add_argument("--organisation", required=True, help="Organisation slug.")
    transparency.add_argument("--format", choices=TRANSPARENCY_FORMATS, default="json")
    generating = commands.add_parser("generate", help=GENERATE_HELP, description=GENERATE_HELP)
    generating.add_argument("--organisation", required=True, help="A new organisation's slug.")
    generating.add_argument("--relationships", required=True, help="How many (at least 1).")
    generating.add_argument("--seed", default=None, help="A whole number (default: random).")
    generating.add_argument(
        "--append", action="store_true", help="Add to the organisation if it exists."
    )
    backing_up = commands.add_parser(
        "backup", help="Write the whole database to FILE (consistent while others write)."
    )
    backing_up.add_argument("file", type=Path)
    restoring = commands.add_parser(
        "restore", help="Put a backup FILE into this database, which must be empty."
    )
    restoring.add_argument("file", type=Path)
    auditing = commands.add_parser("audit", help=AUDIT_HELP, description=AUDIT_HELP)
    audits = auditing.add_subparsers(dest="audit", required=True)
    verifying = audits.add_parser(
        "verify", help="Check the whole chain; name the first broken row and exit 1 if any."
    )
    verifying.add_argument(
        "--head", help="A head printed before (`mutuality audit head`) that the chain must reach."
    )
    audits.add_parser("head", help="Print the chain's head, to keep somewhere else.")
    exporting_audit = audits.add_parser("export", help="Print every row, oldest first.")
    exporting_audit.add_argument("--format", choices=("csv", "json"), default="csv")
    tokens = commands.add_parser("token", help=API_TOKENS_HELP, description=API_TOKENS_HELP)
    token_commands = tokens.add_subparsers(dest="token", required=True)
    making = token_commands.add_parser("create", help="Make a token and print it (once).")
    making.add_argument("--user", required=True, help="The username of the token's person.")
    making.add_argument(
        "--expires", default="90", help="Days until it stops working: 1 to 365 (default 90)."
    )
    making.add_argument("--name", default="made on the command line", help="What to call it.")
    keeping = commands.add_parser("retention", help=RETENTION_HELP, description=RETENTION_HELP)
    keeping.add_argument(
        "--dry-run", action="store_true", help="Only count what would be deleted; delete nothing."
    )
    return parser


RETENTION_HELP = (
    "Delete now, in every organisation, the relationships whose work ended longer ago than the "
    "organisation keeps records (its setting, 20 years unless changed), each with a line in the "
    "audit trail; the scheduler does this once a day. Prints how many, never what they held."
)


API_TOKENS_HELP = (
    "API tokens (/api/v1/docs). `create` makes one for a person and prints it: it acts as that "
    "person, can do only what they can, and stops working after --expires days. Only a digest "
    "is kept, so the token is printed once; the person sees and revokes it at /accounts/tokens/."
)


AUDIT_HELP = (
    "The audit trail is append-only and chained: each write's rows are covered by a link whose "
    "digest is SHA-256 of the link before and of the rows. `verify` checks it, `head` prints "
    "the newest digest for you to keep outside the database (so a recomputed chain or a cut-off "
    "tail is caught later with `verify --head`), `export` prints it as CSV or JSON."
)
HEAD_PATTERN = re.compile(r"[0-9a-f]{64}")


_EXISTS = "--organisation: {slug!r} exists already; expected a new slug, or --append to add to it"


class BadInput(ValueError):
    """A value on the command line that cannot be used; the message names it."""


def _generate_input(args: argparse.Namespace) -> tuple[str, int, int]:
    """The slug, the number of relationships and the seed, or BadInput saying which is wrong."""
    from django.utils.text import slugify

    from mutuality.web.relationships.generate import MAX_RELATIONSHIPS

    slug = args.organisation
    if not slug or slugify(slug) != slug or len(slug) > 64:
        raise BadInput(
            f"--organisation: got {slug!r}; expected a slug of at most 64 lower-case letters, "
            "digits, hyphens and underscores"
        )
    count = _whole(args.relationships)
    if count is None or not 1 <= count <= MAX_RELATIONSHIPS:
        raise BadInput(
            f"--relationships: got {args.relationships!r}; expected a whole number from 1 to "
            f"{MAX_RELATIONSHIPS:,}"
        )
    if args.seed is None:
        return slug, count, secrets.randbelow(2**32)
    seed = _whole(args.seed)
    if seed is None or seed < 0:
        raise BadInput(f"--seed: got {args.seed!r}; expected a whole number, 0 or more")
    return slug, count, seed


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _generate(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from mutuality.web.accounts.models import Organisation
    from mutuality.web.relationships.generate import OrganisationExists, generate

    try:
        slug, count, seed = _generate_input(args)
        if not args.append and Organisation.objects.filter(slug=slug).exists():
            raise OrganisationExists(slug)
    except BadInput as error:
        print(error, file=sys.stderr)
        return INVALID
    except OrganisationExists:
        print(_EXISTS.format(slug=slug), file=sys.stderr)
        return INVALID
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        tasks = {
            "created": bar.add_task("creating", total=count),
            "assessed": bar.add_task("assessing", total=count),
        }
        try:
            made = generate(
                slug=slug,
                relationships=count,
                seed=seed,
                append=args.append,
                progress=lambda what, done: bar.advance(tasks[what], done),
            )
        except OrganisationExists:  # made by someone else since the check above
            bar.stop()
            print(_EXISTS.format(slug=slug), file=sys.stderr)
            return INVALID
    for login in made.logins:
        print(login.to_json())
    print(
        f"generated {len(made.relationships)} relationships with {made.scores} scores and "
        f"{len(made.logins)} logins in {slug!r} (seed {seed})",
        file=sys.stderr,
    )
    return 0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
    import django
    from django.apps import apps

    if apps.ready:  # set up already (a test, or a second command in one process): setting up
        return  # again would point the log handlers at whatever stderr is now
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
    from django.db.models import Count, Exists, OuterRef, Q
    from rich.progress import Progress

    from mutuality.web.accounts.models import Organisation
    from mutuality.web.audit.actions import record
    from mutuality.web.relationships.actions import reassess_many
    from mutuality.web.relationships.models import ROWS_VERSION, AssessedPeriod, Relationship

    relationships = Relationship.objects.all()
    if args.missing:
        # Never assessed, or its stored rows are from before the current release.
        rows = AssessedPeriod.objects.filter(relationship=OuterRef("pk"))
        relationships = relationships.filter(Q(rows_version__lt=ROWS_VERSION) | ~Exists(rows))
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
    # Counted before: `--missing` matches none of them once they are reassessed.
    counted = list(relationships.order_by().values("organisation").annotate(n=Count("pk")))
    with Progress(console=_stderr_console(), transient=True) as progress:
        task = progress.add_task("Reassessing", total=total)
        done = reassess_many(
            relationships,
            reason="reassessed from the command line",
            progress=lambda n: progress.advance(task, n),
        )
    if args.all or args.organisation is not None or args.missing:
        # After an upgrade that changed what a relationship's facts add to the tallies
        # (`ROWS_VERSION`), what the old release added and what this one adds must not be
        # mixed: build them again from every share, under this release's rules.
        _rebuild_tallies([row["organisation"] for row in counted])
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


def _rebuild_tallies(organisation_ids: list[int]) -> None:
    """Relationships of these organisations were reassessed (every one, or every one an older
    release wrote): build their tallies again from nothing, from every relationship's facts
    (ADR 0008), which also clears what a change of engine or of the rules left in them."""
    from django.db import transaction
    from django.utils import timezone

    from mutuality.web.relationships import tallies

    for organisation_id in organisation_ids:
        with transaction.atomic():
            tallies.rebuild(organisation_id, timezone.localdate())


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


def _backup_or_restore(command: str, file: Path) -> int:
    from mutuality.web import backup

    try:
        if command == "backup":
            header = backup.backup(file)
            print(f"backed up the {header['engine']} database to {file}")
        else:
            header = backup.restore(file)
            print(f"restored {file} (made {header['made']})")
    except backup.BackupError as error:
        print(f"mutuality {command}: {error}", file=sys.stderr)
        return INVALID
    return 0


def _retention(dry_run: bool) -> int:
    from django.utils import timezone

    from mutuality.web.accounts.models import Organisation
    from mutuality.web.organisation import retention

    today = timezone.localdate()
    verb = "would delete" if dry_run else "deleted"
    for organisation in Organisation.objects.order_by("slug"):
        done = retention.apply(organisation, today, dry_run=dry_run)
        line = (
            f"{done.organisation}: {verb} {done.deleted} "
            f"relationship{'s' if done.deleted != 1 else ''} that ended before "
            f"{done.before.isoformat()} (kept for {done.years} years)"
        )
        if done.held:
            line += f"; kept {done.held} past that with a safety flag still open"
        print(line)
    return 0


def _token(args: argparse.Namespace) -> int:
    from mutuality.web.accounts.models import User
    from mutuality.web.api.tokens import MOST_DAYS, TokenRefused, make_token

    days = _whole(args.expires)
    if days is None or not 1 <= days <= MOST_DAYS:
        print(
            f"--expires: got {args.expires!r}; expected days from 1 to {MOST_DAYS}", file=sys.stderr
        )
        return INVALID
    user = User.objects.filter(username=args.user).first()
    if user is None:
        print(f"--user: no login with the username {args.user!r}", file=sys.stderr)
        return INVALID
    try:
        token, secret = make_token(user, name=args.name, days=days, by=None)
    except TokenRefused as refused:
        print(f"--user: {refused}", file=sys.stderr)
        return INVALID
    print(secret)
    print(
        f"made for {user.username}; it stops working on {token.expires.date().isoformat()}. "
        "It is shown only now.",
        file=sys.stderr,
    )
    return 0


def _audit(args: argparse.Namespace) -> int:
    from mutuality.web.audit import chain

    if args.audit == "export":
        return _audit_export(args.format)
    kept = getattr(args, "head", None)
    if kept is not None and not HEAD_PATTERN.fullmatch(kept.strip().lower()):
        print(f"--head: got {kept!r}; expected 64 hexadecimal digits", file=sys.stderr)
        return INVALID
    verdict = chain.verify(kept)
    if args.audit == "head" and verdict.holds:
        print(verdict.head)
        return 0
    print(verdict.line(), file=sys.stdout if verdict.holds else sys.stderr)
    return 0 if verdict.holds else 1


def _audit_export(form: str) -> int:
    import json

    from mutuality._csv import write_table
    from mutuality.web.audit import chain

    rows = chain.rows_for_export()
    if form == "json":
        print("[")
        for n, row in enumerate(rows):
            print(("," if n else "") + json.dumps(row, sort_keys=True, ensure_ascii=False))
        print("]")
        return 0
    cells = (
        [*(row[name] for name in chain.ROW_FIELDS[:-1]), json.dumps(row["detail"]), row["link"]]
        for row in rows
    )
    write_table(sys.stdout, [*chain.ROW_FIELDS, "link"], cells)
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
        if args.command == "generate":
            return _generate(args)
        if args.command == "audit":
            return _audit(args)
        if args.command in ("backup", "restore"):
            return _backup_or_restore(args.command, args.file)
        if args.command == "retention":
            return _retention(args.dry_run)
        if args.command == "token":
            return _token(args)
        return _export(args.id)
    except DatabaseError as error:
        print(
            f"the database is not ready ({error}); run `.venv/bin/python manage.py migrate` first",
            file=sys.stderr,
        )
        return INVALID
