"""Erasing a person's details on request (UK GDPR article 17), as anonymisation (ADR 0017).

What identifies the person goes: their login's names, username, email addresses, password,
second factors, sessions, message choices, the messages kept for them and the invitations
that reached them; in every relationship they are part of, the name and the id the record
gives them. The words the service itself wrote with their name in (stored assessments, safety
flags, emails about the relationship, who raised an observation) say the neutral label
instead. What stays is the shared record of each relationship, which is also the other
person's record and the organisation's clinical record under its retention duty, and the
audit trail, which names people only by their ids and is never changed. The words people typed
into the record (titles, notes, terms) stay as they wrote them.

It is refused, changing nothing, while the person has an open safety flag in a relationship
(someone must act on it first), supervises or reviews work that has not ended (someone else
must take it on), for the admin's own login, and for the organisation's last admin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext, gettext_noop

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.models import ERASED_NAME, Role, erased_username
from mutuality.web.audit.actions import record
from mutuality.web.organisation.models import StaffInvitation
from mutuality.web.outbox.models import MessageChoice, OutgoingMessage
from mutuality.web.relationships import actions as relationship_actions
from mutuality.web.relationships.models import (
    AssessmentRecord,
    Consultation,
    ContractVersion,
    Invitation,
    Observation,
    Participant,
    QuestionnaireDraft,
    Relationship,
    SafetyFlag,
    new_record_id,
)
from mutuality.web.stored_words import said

ERASED_REASON = gettext_noop("a person's details were erased")
"""Why their relationships were assessed again: the names in them changed."""


class Blocked(Exception):
    """The erasure cannot be done yet; each reason says what to do first. Nothing changed."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class Erased:
    """What an erasure removed or changed, counted by kind (the audit event keeps these)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + int(count)


# --- what must happen first --------------------------------------------------------------------


def _running(relationships: Any) -> Any:
    return relationships.exclude(stage="ended")


def blockers(person: Any, by: Any) -> list[str]:
    """Why this person's details cannot be erased now, each in words saying what to do first
    (empty: nothing stands in the way)."""
    if person.pk == getattr(by, "pk", None):
        return [gettext("You cannot erase your own details: another admin can do it.")]
    reasons: list[str] = []
    if person.role == Role.ADMIN and person.is_active and not _other_active_admins(person):
        reasons.append(
            gettext("The organisation needs an admin: make someone else an admin first.")
        )
    open_flag = SafetyFlag.objects.filter(relationship=OuterRef("pk"), resolved_at__isnull=True)
    flagged = (
        Relationship.objects.filter(participants__user=person).filter(Exists(open_flag)).distinct()
    )
    for title in sorted(flagged.values_list("title", flat=True)):
        reasons.append(
            gettext(
                "“%(title)s” has a safety flag that is still open. Its professional or "
                "supervisor must record what was done about it before their details can be "
                "erased."
            )
            % {"title": title}
        )
    supervised = _running(Relationship.objects.filter(supervisor=person))
    for title in sorted(supervised.values_list("title", flat=True)):
        reasons.append(
            gettext("They supervise “%(title)s”: choose another supervisor for it first.")
            % {"title": title}
        )
    reviewed = _running(person.reviewing.all())
    for title in sorted(reviewed.values_list("title", flat=True)):
        reasons.append(
            gettext("They review “%(title)s”: choose another reviewer for it first.")
            % {"title": title}
        )
    return reasons


def _other_active_admins(person: Any) -> bool:
    admins = get_user_model().objects.filter(
        organisation_id=person.organisation_id, role=Role.ADMIN, is_active=True
    )
    return bool(admins.exclude(pk=person.pk).exists())


# --- erasing -----------------------------------------------------------------------------------


@transaction.atomic
def erase(*, person: Any, by: Any) -> Erased | None:
    """Erase the person's details (the module says what goes and what stays), in one
    transaction, with one audit event that counts what went. None when they were erased
    already; `Blocked` when something must happen first."""
    users = get_user_model().objects
    # The admins first, then the person, each locked: two admins erasing each other at once
    # wait for one another, and the second sees it would leave no admin.
    list(users.select_for_update().filter(organisation_id=person.organisation_id, role=Role.ADMIN))
    person = users.select_for_update().get(pk=person.pk)
    if person.erased:
        return None
    reasons = blockers(person, by)
    if reasons:
        raise Blocked(reasons)
    done = Erased()
    names, emails = _names(person), _emails(person)
    relationships = _about_them(person, names)
    _messages_and_invitations(person, emails, done)
    ids = _participants(person, done)
    for pk in sorted(relationships):
        _rewrite(pk, _Swaps(names, ids.get(pk, {})), done)
    _elsewhere(person, names, done)
    _login(person, done)
    Relationship.objects.filter(pk__in=relationships).update(revision=F("revision") + 1)
    # Assessed again, so every list, finding and due item names them by the label.
    relationship_actions.reassess_many(sorted(relationships), reason=said(ERASED_REASON))
    done.add("relationships", len(relationships))
    record(
        user=by,
        action="erase",
        obj=person,
        organisation_id=person.organisation_id,
        erased=dict(sorted(done.counts.items())),
    )
    return done


def _names(person: Any) -> set[str]:
    """The names the service may have written for them: their display name, their full name,
    and their username where nothing else named them (pages then showed it)."""
    full = f"{person.first_name} {person.last_name}".strip()
    found = {person.display_name, full, person.shown_name}
    found |= set(Participant.objects.filter(user=person).values_list("name", flat=True))
    return {name for name in found if len(name.strip()) > 1 and name != ERASED_NAME}


def _emails(person: Any) -> set[str]:
    rows = set(EmailAddress.objects.filter(user_id=person.pk).values_list("email", flat=True))
    rows |= set(
        Invitation.objects.filter(participant__user=person).values_list("emailed_to", flat=True)
    )
    rows |= set(StaffInvitation.objects.filter(user=person).values_list("emailed_to", flat=True))
    return {address.lower() for address in (person.email, *rows) if address}


def _about_them(person: Any, names: set[str]) -> set[int]:
    """Every relationship of the organisation whose record names them: those they are part of,
    supervise or review, and those whose supervisor is named with one of their names."""
    theirs = Q(participants__user=person) | Q(supervisor=person) | Q(reviewers=person)
    rows = Relationship.objects.filter(organisation_id=person.organisation_id)
    found = set(rows.filter(theirs).values_list("pk", flat=True))
    if names:
        named = Q()
        for name in names:
            named |= Q(supervisor_name__contains=name)
        swaps = _Swaps(names, {})
        for pk, supervisor in rows.filter(named).values_list("pk", "supervisor_name"):
            if swaps(supervisor) != supervisor:  # the name as a whole word, not inside another
                found.add(pk)
    return found


# --- the relationships' records ----------------------------------------------------------------

GENERIC_IDS = frozenset(VOCABULARY["role"].english) | {"supervisor", "reviewer", "admin"}
"""Ids that are words of every sentence the service writes ("the professional"): an id like
these is replaced where it stands alone, never inside a sentence."""


class _Swaps:
    """The replacements for one relationship: each name by the label, and the person's old id
    there by their new one, where a stored value is exactly one of them or holds one as a
    whole word."""

    def __init__(self, names: Iterable[str], ids: Mapping[str, str]) -> None:
        self.exact: dict[str, str] = {name: ERASED_NAME for name in names}
        self.exact.update(ids)
        in_words = {name: ERASED_NAME for name in names}
        in_words.update({old: new for old, new in ids.items() if old not in GENERIC_IDS})
        # Longest first, so "Priya Shah" goes before "Priya"; a word is bounded by anything but
        # a letter, a digit, "_" or "-" (so an id inside another id is left alone).
        self.words = [
            (re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])"), new)
            for old, new in sorted(in_words.items(), key=lambda item: -len(item[0]))
        ]

    def __call__(self, value: Any) -> Any:
        """The value (a string, or JSON of lists and objects) with every swap made."""
        if isinstance(value, str):
            if value in self.exact:
                return self.exact[value]
            for pattern, new in self.words:
                value = pattern.sub(new.replace("\\", "\\\\"), value)  # taken as written
            return value
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, dict):
            return {self(key): self(item) for key, item in value.items()}
        return value


def _participants(person: Any, done: Erased) -> dict[int, dict[str, str]]:
    """Each place they hold in a relationship: named by the label, with a new id there (the old
    one is often their first name) and a new FHIR identifier (other systems may hold the old
    one beside their name: ADR 0019), and the contract's references to the id moved along.
    Returns the old id and the new, by relationship."""
    ids: dict[int, dict[str, str]] = {}
    for participant in Participant.objects.filter(user=person).order_by("pk"):
        old, new = participant.slug, f"erased-{participant.pk}"
        participant.name, participant.slug = ERASED_NAME, new
        participant.uid = new_record_id()
        participant.save(update_fields=["name", "slug", "uid"])
        for contract in ContractVersion.objects.filter(relationship_id=participant.relationship_id):
            _contract_ids(contract, old, new)
        ids.setdefault(participant.relationship_id, {})[old] = new
        done.add("participants", 1)
    return ids


def _contract_ids(contract: ContractVersion, old: str, new: str) -> None:
    """The contract's references to a participant by id (who it told, pays, costs and gains)."""
    told = [new if who == old else who for who in contract.communicated_to]
    paid = [
        {**entry, "to": new} if entry.get("to") == old else entry for entry in contract.payments
    ]
    parts = [
        {**entry, "party": new} if entry.get("party") == old else entry
        for entry in contract.costs_and_benefits
    ]
    if (told, paid, parts) != (
        contract.communicated_to,
        contract.payments,
        contract.costs_and_benefits,
    ):
        contract.communicated_to, contract.payments, contract.costs_and_benefits = told, paid, parts
        contract.save(update_fields=["communicated_to", "payments", "costs_and_benefits"])


def _elsewhere(person: Any, names: set[str], done: Erased) -> None:
    """Their name outside the relationships that name them: as who raised an observation (in a
    relationship they no longer have a part in) or who was consulted."""
    raised = Observation.objects.filter(raised_by=person).exclude(by=ERASED_NAME)
    done.add("observations", raised.update(by=ERASED_NAME))
    if not names:
        return
    consulted = Q()
    for name in names:
        consulted |= Q(with_whom__contains=name)
    rows = Consultation.objects.filter(
        consulted, relationship__organisation_id=person.organisation_id
    )
    done.add("consultations", _swap_fields(rows, ("with_whom",), _Swaps(names, {})))


def _rewrite(relationship_id: int, swaps: _Swaps, done: Erased) -> None:
    """The words the service stored in one relationship, with the swaps made: its assessment
    history, its safety flags, the emails about it, who raised its observations and the name
    of its supervisor."""
    named = Relationship.objects.filter(pk=relationship_id)
    done.add("supervisor_names", _swap_fields(named, ("supervisor_name",), swaps))
    kept = (
        (AssessmentRecord, ("result", "reason", "reason_words"), "assessments"),
        (SafetyFlag, ("detail", "words"), "safety_flags"),
        (OutgoingMessage, ("subject", "body"), "messages_about"),
        (Observation, ("by",), "observations"),
    )
    for model, names, kind in kept:
        rows = model.objects.filter(relationship_id=relationship_id)
        done.add(kind, _swap_fields(rows, names, swaps))


def _swap_fields(rows: Any, names: tuple[str, ...], swaps: _Swaps) -> int:
    """Make the swaps in these fields of these rows; how many rows changed."""
    changed = 0
    for row in rows.only("pk", *names):
        after = {name: swaps(getattr(row, name)) for name in names}
        if any(after[name] != getattr(row, name) for name in names):
            type(row)._base_manager.filter(pk=row.pk).update(**after)
            changed += 1
    return changed


# --- the login, its messages and its invitations -----------------------------------------------


def _login(person: Any, done: Erased) -> None:
    """The login can never be used again, and says nothing of who held it."""
    done.add("sessions", UserSession.objects.filter(user_id=person.pk).count())
    done.add("second_factors", Authenticator.objects.filter(user=person).delete()[0])
    # Every address: the one Mutuality writes to and any they asked to change to.
    done.add("email_addresses", EmailAddress.objects.filter(user_id=person.pk).delete()[0])
    person.username = erased_username(person.pk)
    person.display_name = ERASED_NAME
    person.first_name = person.last_name = person.team = person.email = person.language = ""
    person.set_unusable_password()  # a session signed in before is refused by its hash too
    person.is_active = False  # saving it ends every session it has (accounts/sessions.py)
    person.save()


def _messages_and_invitations(person: Any, emails: set[str], done: Erased) -> None:
    """Their message choices, the messages kept for them, their unfinished questionnaires and
    the invitations that brought them in."""
    done.add("message_choices", MessageChoice.objects.filter(user=person).delete()[0])
    to_them = Q(recipient=person)
    for address in emails:  # as typed, in any case
        to_them |= Q(to__iexact=address)
    theirs = OutgoingMessage.objects.filter(to_them)
    done.add("messages", theirs.delete()[0])
    invited = Invitation.objects.filter(Q(participant__user=person) | Q(emailed_to__in=emails))
    done.add("invitations", invited.delete()[0])
    done.add("invitations", StaffInvitation.objects.filter(user=person).delete()[0])
    done.add("questionnaire_drafts", QuestionnaireDraft.objects.filter(by=person).delete()[0])
