"""Writes to an organisation by its admins: its people, who supervises and reviews each
relationship, and its settings. Each is atomic and audited, and refuses a change made from a
page that was out of date (`Stale`) or that would leave the organisation in a bad state
(`Refused`, whose message says what to do instead).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import yaml
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutuality.framework import policy_from_data
from mutuality.outcomes import instruments_from_text
from mutuality.web.accounts.addresses import mark_verified
from mutuality.web.accounts.models import RETENTION_RANGE, Organisation, Role, hash_token
from mutuality.web.audit.actions import record
from mutuality.web.organisation.models import StaffInvitation
from mutuality.web.organisation.policy import NUMBERS, changed_from_default, policy_of
from mutuality.web.outbox.models import Kind
from mutuality.web.outbox.posting import post
from mutuality.web.relationships import actions as relationship_actions
from mutuality.web.relationships.models import OutcomeSeries, Relationship
from mutuality.web.security_log import security_event
from mutuality.web.spoken import spoken_time

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STAFF_ROLES = (Role.PROFESSIONAL, Role.SUPERVISOR, Role.REVIEWER, Role.ADMIN)
"""The roles an admin gives; a co-producer's login comes from their own invitation."""
MAX_TOKEN_LENGTH = 100


class Refused(Exception):
    """A change refused for a reason the admin can act on; nothing is saved. `field` names the
    form field the message belongs beside (None: the form as a whole)."""

    def __init__(self, message: StrOrPromise, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


class Stale(Exception):
    """Someone changed this after the admin opened the page."""


STALE = _("This was changed by someone else after you opened the page. Check it and try again.")


def _at(organisation_id: int | None) -> dict[str, Any]:
    return {"organisation_id": organisation_id}


# --- people ------------------------------------------------------------------------------------


@transaction.atomic
def invite_staff(
    *,
    organisation: Organisation,
    by: Any,
    username: str,
    email: str,
    display_name: str,
    role: str,
    link: Callable[[str], str],
) -> tuple[Any, StaffInvitation, str]:
    """A login for a new member of staff, with the role given, and a single-use link to choose
    its password (`link` makes the link's address from its token). The link goes out as a
    message and is returned to be shown once; only its hash is kept."""
    if role not in STAFF_ROLES:
        raise Refused(_("Choose a role from the list"), "role")
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists():
        raise Refused(_("Someone already has a login with this email address"), "email")
    if users.filter(username__iexact=username).exists():
        raise Refused(_("This username is taken: choose another"), "username")
    person = users.model(
        username=username,
        email=email,
        display_name=display_name,
        role=role,
        organisation=organisation,
    )
    person.set_unusable_password()  # signing in needs the password they choose from the link
    person.save()
    record(user=by, action="create", obj=person, **_at(organisation.pk), role=role, invited=True)
    invitation, token, email_token = _new_link(person, by, email)
    address = link(token)
    post(
        kind=Kind.STAFF_INVITATION,
        key=f"staff-invitation:{invitation.pk}",
        to=email,
        subject=f"You are invited to join {organisation.name} on Mutuality",
        body=_invitation_body(person, organisation, link(email_token), invitation),
        recipient=person,
        organisation=organisation,
    )
    return person, invitation, address


def _new_link(person: Any, by: Any, email: str) -> tuple[StaffInvitation, str, str]:
    """The invitation with its two tokens: the one shown to the admin, and the emailed one."""
    now = timezone.now()
    token, email_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    invitation = StaffInvitation.objects.create(
        user=person,
        token_hash=hash_token(token),
        created_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        emailed_to=email.lower(),
        email_token_hash=hash_token(email_token),
    )
    record(user=by, action="create", obj=invitation, **_at(person.organisation_id))
    return invitation, token, email_token


def _invitation_body(
    person: Any, organisation: Organisation, address: str, invitation: StaffInvitation
) -> str:
    expires = invitation.expires_at
    return (
        f"Hello {person.shown_name},\n\n"
        f"{organisation.name} has made you a login on Mutuality, as "
        f"{person.get_role_display().lower()}. Your username is {person.username}.\n\n"
        f"Choose your password with this link. It works once, until "
        f"{spoken_time(expires)}:\n\n{address}\n\n"
        "If you did not expect this, you can ignore it.\n"
    )


def find_staff_invitation(token: str) -> StaffInvitation | None:
    """The invitation a link opens, if it still works (unused, unexpired, its login active)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    hashed = hash_token(token)
    return (
        StaffInvitation.objects.filter(
            Q(token_hash=hashed) | Q(email_token_hash=hashed),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .select_related("user__organisation")
        .first()
    )


class LinkUsed(Exception):
    """The link was used, or ran out, while the person was choosing a password."""


def came_by_email(invitation: StaffInvitation, token: str) -> bool:
    """Whether this token is the one only the invitation's email held (not the admin's)."""
    return bool(invitation.email_token_hash) and invitation.email_token_hash == hash_token(token)


@transaction.atomic
def accept_staff_invitation(
    *, invitation: StaffInvitation, form: Any, by_email: bool = False
) -> Any:
    """Save the password chosen from the link (a valid SetPasswordForm for its login); the link
    is marked used in the same step that checks it still works, so it works once. By the
    emailed link (`by_email`), the address it was mailed to is verified, if it is still theirs."""
    claimed = StaffInvitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    if claimed != 1:
        raise LinkUsed
    person = form.save()
    where = _at(person.organisation_id)
    record(user=person, action="update", obj=invitation, **where, field="used_at")
    record(user=person, action="update", obj=person, **where, field="password", how="invited")
    security_event("password_changed", "Password set from an invitation", user=person)
    if by_email and invitation.emailed_to:
        mark_verified(person, invitation.emailed_to, how="emailed invitation")
    return person


def _still(person: Any, **expected: Any) -> Any:
    """The person, locked, if they still hold what the page showed; else `Stale`."""
    found = type(person).objects.select_for_update().filter(pk=person.pk, **expected).first()
    if found is None:
        raise Stale(STALE)
    return found


def _other_active_admins(person: Any) -> bool:
    admins = get_user_model().objects.filter(
        organisation_id=person.organisation_id, role=Role.ADMIN, is_active=True
    )
    return admins.exclude(pk=person.pk).exists()


@transaction.atomic
def change_role(*, person: Any, role: str, was: str, by: Any) -> None:
    """Give a member of staff another staff role. Refused for a co-producer's login, for the
    organisation's last admin, and while they still supervise or review a relationship under
    the role they are leaving."""
    if role not in STAFF_ROLES:
        raise Refused(_("Choose a role from the list"), "role")
    person = _still(person, role=was)
    if person.role not in STAFF_ROLES:
        raise Refused(
            _("A co-producer's login belongs to their relationship: it has no staff role")
        )
    if role == person.role:
        return
    if person.role == Role.ADMIN and not _other_active_admins(person):
        raise Refused(
            _("The organisation needs an admin: make someone else an admin first"), "role"
        )
    _refuse_while_assigned(person)
    person.role = role
    person.save(update_fields=["role"])
    record(
        user=by,
        action="update",
        obj=person,
        **_at(person.organisation_id),
        field="role",
        before=was,
        after=role,
    )


def _refuse_while_assigned(person: Any) -> None:
    if person.role == Role.SUPERVISOR and Relationship.objects.filter(supervisor=person).exists():
        raise Refused(
            _("They supervise relationships: choose another supervisor for those first"), "role"
        )
    if person.role == Role.REVIEWER and person.reviewing.exists():
        raise Refused(
            _("They review relationships: choose another reviewer for those first"), "role"
        )


@transaction.atomic
def set_active(*, person: Any, active: bool, by: Any) -> None:
    """Turn a login off (every session of it ends: the sessions signal sees it saved inactive)
    or on again. Nobody turns off their own, so an organisation always keeps an admin."""
    if not active and person.pk == by.pk:
        raise Refused(_("You cannot turn off your own login"))
    if active and person.erased:
        raise Refused(_("Their details were erased: their login cannot be turned on again"))
    person = _still(person, is_active=not active)
    person.is_active = active
    person.save(update_fields=["is_active"])
    record(
        user=by,
        action="update",
        obj=person,
        **_at(person.organisation_id),
        field="is_active",
        before=not active,
        after=active,
    )


@transaction.atomic
def reset_second_factor(*, person: Any, by: Any) -> int:
    """Remove every second factor of a login (a lost phone, say); they set one up again when
    they next sign in. Returns how many were removed."""
    factors = Authenticator.objects.filter(user=person)
    kinds = sorted(set(factors.values_list("type", flat=True)))
    if not kinds:
        raise Refused("They have no second factor to reset")
    removed, _ = factors.delete()
    record(
        user=by,
        action="delete",
        obj=person,
        **_at(person.organisation_id),
        field="second_factor",
        kinds=kinds,
    )
    security_event("second_factor_reset", "Second factor reset by an admin", user=person)
    return int(removed)


# --- supervisors and reviewers -----------------------------------------------------------------


@transaction.atomic
def assign(
    *,
    relationship: Relationship,
    by: Any,
    supervisor: Any | None,
    reviewers: Iterable[Any],
    expected_revision: int,
) -> None:
    """Choose who supervises the relationship and who reviews it independently, then assess it
    again (the supervisor's name is part of its case)."""
    relationship_actions.bump_revision(relationship, expected_revision)
    relationship.refresh_from_db()
    before = sorted(relationship.reviewers.values_list("pk", flat=True))
    after = sorted(person.pk for person in reviewers)
    changed = []
    if supervisor != relationship.supervisor:
        _audit_assignment(by, relationship, "supervisor", relationship.supervisor, supervisor)
        relationship.supervisor = supervisor
        relationship.supervisor_name = supervisor.shown_name if supervisor else ""
        relationship.save(update_fields=["supervisor", "supervisor_name"])
        changed.append("supervisor")
    if before != after:
        relationship.reviewers.set(after)
        relationship_actions.audit(
            by,
            "update",
            relationship,
            relationship,
            field="reviewers",
            changes={"reviewers": after},
        )
        changed.append("reviewers")
    if changed:
        relationship_actions.reassess(
            relationship, reason=f"{' and '.join(changed)} chosen by the organisation's admin"
        )


def _audit_assignment(by: Any, relationship: Relationship, field: str, old: Any, new: Any) -> None:
    relationship_actions.audit(
        by,
        "update",
        relationship,
        relationship,
        field=field,
        before=old.shown_name if old else "nobody",
        after=new.shown_name if new else "nobody",
    )


# --- settings ----------------------------------------------------------------------------------


def _bump(organisation: Organisation, expected: int, **more: Any) -> None:
    rows = Organisation.objects.filter(pk=organisation.pk, revision=expected)
    if rows.update(revision=F("revision") + 1, **more) != 1:
        raise Stale(STALE)
    organisation.refresh_from_db()


@transaction.atomic
def save_policy(
    *, organisation: Organisation, by: Any, values: dict[tuple[str, ...], Any], expected: int
) -> bool:
    """Keep the organisation's policy numbers (validated by the framework: `PolicyError` when
    it refuses them) and, if they changed, reassess every relationship in the background.
    Returns whether anything changed."""
    policy = changed_from_default(values)
    policy_from_data(policy, "the organisation's policy")  # raises PolicyError, naming the number
    old = policy_of(organisation)
    changes = {
        n.name: [n.value_in(old), values[n.path]]
        for n in NUMBERS
        if n.value_in(old) != values[n.path]
    }
    if not changes:
        return False
    _bump(organisation, expected, policy=policy, policy_revision=F("policy_revision") + 1)
    record(user=by, action="update", obj=organisation, **_at(organisation.pk), changes=changes)
    from mutuality.web.organisation.tasks import reassess_organisation  # the task imports this

    enqueue = partial(reassess_organisation.enqueue, organisation.pk, organisation.policy_revision)
    transaction.on_commit(enqueue)
    return True


@transaction.atomic
def save_details(
    *, organisation: Organisation, by: Any, crisis_text: str, report_name: str, expected: int
) -> bool:
    """Keep the organisation's own crisis lines and its public report's name."""
    after = {"crisis_text": crisis_text, "report_name": report_name}
    changes = [name for name, value in after.items() if getattr(organisation, name) != value]
    if not changes:
        return False
    _bump(organisation, expected, **after)
    record(
        user=by,
        action="update",
        obj=organisation,
        **_at(organisation.pk),
        changes={name: True for name in changes},
    )
    return True


@transaction.atomic
def save_retention(*, organisation: Organisation, by: Any, years: int, expected: int) -> bool:
    """Keep how many whole years the organisation keeps a relationship's record after its work
    ended (the daily retention work deletes it after that: retention.py)."""
    low, high = RETENTION_RANGE
    if not low <= years <= high:  # the form says so first; this keeps any other caller honest
        raise Refused(
            _("Enter a whole number of years from %(low)d to %(high)d")
            % {"low": low, "high": high},
            "retention_years",
        )
    if years == organisation.retention_years:
        return False
    before = organisation.retention_years
    _bump(organisation, expected, retention_years=years)
    record(
        user=by,
        action="update",
        obj=organisation,
        **_at(organisation.pk),
        field="retention_years",
        years=[before, years],
    )
    return True


def save_exchange(*, organisation: Organisation, by: Any, names: bool, expected: int) -> bool:
    """Keep whether the FHIR data other systems read names people (ADR 0018)."""
    if names == organisation.fhir_names:
        return False
    before = organisation.fhir_names
    _bump(organisation, expected, fhir_names=names)
    record(
        user=by,
        action="update",
        obj=organisation,
        **_at(organisation.pk),
        field="fhir_names",
        before=before,
        after=names,
    )
    return True


def instruments_in_use(organisation: Organisation) -> set[str]:
    """Ids of the organisation's instruments that a relationship of it has scores on (one
    query each: an index range, whatever the number of scores)."""
    series = OutcomeSeries.objects.filter(relationship__organisation=organisation)
    ids = {str(d.get("id")) for d in organisation.instruments}
    return {
        i
        for i in ids
        if series.filter(Q(instrument=i) | Q(instrument__startswith=f"{i}.")).exists()
    }


def instruments_text(organisation: Organisation) -> str:
    """The organisation's instruments as the YAML its form shows (empty when it has none)."""
    if not organisation.instruments:
        return ""
    return str(yaml.safe_dump(organisation.instruments, sort_keys=False, allow_unicode=True))


@transaction.atomic
def save_instruments(*, organisation: Organisation, by: Any, text: str, expected: int) -> bool:
    """Keep the organisation's own instruments, from a YAML (or JSON) list of definitions that
    the outcomes library validates. One that a relationship scores with can be neither
    changed nor removed: its scores would no longer make sense."""
    definitions = instruments_from_text(text)  # OutcomesError names the definition and field
    new = [d.model_dump(mode="json", exclude_none=True) for d in definitions]
    old = {d.get("id"): d for d in organisation.instruments}
    kept = {d["id"]: d for d in new}
    for used in sorted(instruments_in_use(organisation)):
        if kept.get(used) != old[used]:
            raise Refused(
                f"Relationships score with {used!r}: it cannot be changed or removed. "
                "Add a new instrument with another id instead.",
                "instruments",
            )
    if new == organisation.instruments:
        return False
    _bump(organisation, expected, instruments=new)
    record(
        user=by,
        action="update",
        obj=organisation,
        **_at(organisation.pk),
        field="instruments",
        ids=sorted(kept),
    )
    return True
