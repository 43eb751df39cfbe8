"""Which integration modules run on PostgreSQL as well as on SQLite (ADR 0020).

Every integration module runs on SQLite (`make test`). `make test-postgres` runs again, on a
throwaway PostgreSQL, only the modules in EVERY_DATABASE (marker `needs_every_database`):
those whose checks could come out differently on another database. Each group says why. The
modules in SAME_ON_EVERY_DATABASE check what the same Python code and templates make of rows
any database hands back alike, and stay on SQLite. A new module goes in one list or the
other: tests/unit/test_database_lists.py fails until it does. Within a module that runs on
both, a test that works on database files of its own whatever the tests run on (the SQLite
backup drill) is marked `same_on_every_database` and left to the SQLite run, and so is a row
of an access matrix that expects a refusal (`refusal_on_sqlite_alone`).

This module imports nothing of Django's, so that the unit test can read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

REFUSALS = frozenset({302, 401, 403, 404, 405})
"""The answers of an access matrix that refuse: sign in first (or confirm it is you), no live
token, not allowed, not there for you, and not a method this page takes."""


def refusal_on_sqlite_alone(status: int) -> list[pytest.MarkDecorator]:
    """The marks of an access matrix's row that expects `status`. A refusal is decided in
    Python, before the page or endpoint does anything of its own, from rows read by the same
    queries that a granted request of the same page makes (`access.reach` and its kin, or the
    sign-in middleware). The granted rows run those queries on PostgreSQL; the refused ones are
    left to the SQLite run (ADR 0020). What is decided in SQL, the lists, runs on both."""
    return [pytest.mark.same_on_every_database] if status in REFUSALS else []


def theirs_and_not(
    names: Iterable[str], standings: Iterable[str], expected: Callable[[str, str, bool], int]
) -> list[Any]:
    """An access matrix's rows: each name (a page, an endpoint) for each standing, on their own
    relationship and on another, as (name, standing, theirs), the refusals marked as above."""
    return [
        pytest.param(
            name,
            standing,
            theirs,
            id=f"{'theirs' if theirs else 'not-theirs'}-{standing}-{name}",
            marks=refusal_on_sqlite_alone(expected(name, standing, theirs)),
        )
        for theirs in (True, False)
        for standing in standings
        for name in names
    ]


# Each group: why PostgreSQL may answer differently, then the modules it covers.
EVERY_DATABASE_GROUPS: dict[str, frozenset[str]] = {
    # Migrations run their own SQL and data steps on each database's schema.
    "migrations": frozenset(
        {
            "test_consent_events_migration",
            "test_participant_uid_migration",
            "test_record_ids_migration",
        }
    ),
    # Transactions, locks and concurrency: SELECT … FOR UPDATE [SKIP LOCKED], savepoints (a
    # failed statement aborts a PostgreSQL transaction; SQLite carries on), commit hooks,
    # several writers at once, and the outbox that relies on all of these.
    "transactions, locking and the outbox": frozenset(
        {
            "test_asvs_v2",
            "test_consent_withdrawal",
            "test_forms_flow",
            "test_message_events",
            "test_outbox_pages",
            "test_outbox_sending",
            "test_outbox_worker_killed",
            "test_scheduled_messages",
        }
    ),
    # The audit chain: PostgreSQL's append-only trigger, digests over stored values (time
    # precision), and the audit log's filters (dates truncated, names searched).
    "audit chain and log": frozenset({"test_audit_chain", "test_audit_log"}),
    # Backups and restores are pg_dump/pg_restore on PostgreSQL, the backup API on SQLite.
    "backups": frozenset({"test_backup_drill"}),
    # Erasure and retention: locked rows, JSON fields rewritten in place, bulk deletes.
    "erasure and retention": frozenset({"test_erasure", "test_retention"}),
    # Aggregates, annotations, Exists/Subquery, raw SQL and date arithmetic in the lists,
    # reports and tallies, and how many queries each page costs.
    "reports, tallies, lists and query budgets": frozenset(
        {
            "test_dashboard_lists",
            "test_generate",
            "test_list_headlines",
            "test_query_budgets",
            "test_query_budgets_api",
            "test_query_budgets_organisation",
            "test_query_budgets_personal_record",
            "test_query_budgets_reports",
            "test_reassess",
            "test_service_report",
            "test_service_report_outcomes",
            "test_tallies",
            "test_transparency",
            "test_withdrawn_in_reports",
        }
    ),
    # Rows read back in the order the database gives, JSON fields, and what a column keeps:
    # PostgreSQL enforces a text column's length and refuses a NUL character, SQLite keeps
    # both; records carry unique ids.
    "what is stored and read back": frozenset(
        {
            "test_asvs_v1",
            "test_case_fields",
            "test_case_round_trip",
            "test_case_upload",
            "test_case_upload_property",
            "test_case_upload_reach",
            "test_contract_conversation",
            "test_fhir_consent",
            "test_outcomes",
            "test_personal_record",
            "test_questionnaire_drafts",
            "test_subject_access",
        }
    ),
    # Accounts: usernames and addresses looked up without regard to case, unique addresses,
    # the cache table that counts sign-ins and requests, sessions kept as rows, and second
    # factors' data kept in JSON.
    "accounts, sign-in, sessions and limits": frozenset(
        {
            "test_accounts_views",
            "test_email_addresses",
            "test_organisation_pages",
            "test_passkeys",
            "test_passwords",
            "test_people",
            "test_rate_limits",
            "test_second_factor_secrets",
            "test_second_factors",
            "test_sessions",
            "test_sign_in_limits",
        }
    ),
    # Who may see what is decided in SQL (access.py's `standing_in_sql`, Exists queries).
    "access": frozenset(
        {
            "test_access_matrix",
            "test_access_matrix_accounts",
            "test_asvs_v8",
            "test_private_worries",
        }
    ),
    # The API: its lists, filters and errors, and Schemathesis's odd input at every endpoint.
    "the API": frozenset(
        {
            "test_api_access_matrix",
            "test_api_fhir",
            "test_api_schemathesis",
            "test_api_tokens",
            "test_score_import",
        }
    ),
    # The tests' own shared world, copied by keys (tests/copies.py resets PostgreSQL's
    # sequences after it).
    "the tests' world": frozenset({"test_world"}),
}

# What pages, files, emails and logs say or look like, and rules decided in Python on rows
# any database returns alike: made by the same templates and code whichever database holds
# the rows. These stay on SQLite.
SAME_ON_EVERY_DATABASE: frozenset[str] = frozenset(
    {
        "test_about_pages",
        "test_asvs_v11",
        "test_asvs_v4",
        "test_asvs_v13",
        "test_asvs_v14",
        "test_asvs_v14_addresses",
        "test_asvs_v15",
        "test_asvs_v16",
        "test_asvs_v3",
        "test_asvs_v6",
        "test_asvs_v7",
        "test_contrast",
        "test_csv_downloads",
        "test_dashboard_links",
        "test_display_names",
        "test_downloads_stay_english",
        "test_email_language",
        "test_error_pages",
        "test_fhir_validates_with_fhir_js",
        "test_headers",
        "test_language",
        "test_own_details",
        "test_pages",
        "test_pages_speak",
        "test_pdf_fetcher",
        "test_pdf_structure",
        "test_questions_and_contract",
        "test_reading_grade",
        "test_reads_write_nothing",
        "test_records",
        "test_records_translated",
        "test_relationship_languages",
        "test_relationship_report",
        "test_resolving_links",
        "test_safety",
        "test_schema_walk",
        "test_security_log",
        "test_seed_demo",
        "test_server",
        "test_spoken_dates",
        "test_translation_ready",
        "test_translation_ready_people",
        "test_valid_html",
        "test_vocabulary",
    }
)

EVERY_DATABASE: frozenset[str] = frozenset().union(*EVERY_DATABASE_GROUPS.values())
