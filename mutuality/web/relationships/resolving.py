"""Where to go to act on a finding: each finding code points at the page that resolves it.

This maps codes to pages only; which findings exist, and when, is the framework's
business. A link is shown only to someone who may use the page (access.py decides).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mutuality.web.access import Permission, Standing, grants, standing
from mutuality.web.relationships.models import Relationship

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# (URL name, URL arguments besides the relationship's pk, permission needed, link text)
_Page = tuple[str, dict[str, str], Permission, "StrOrPromise"]
_CONTRACT: _Page = ("relationships:contract", {}, Permission.VIEW, _("Go to the contract"))
_QUESTIONS: _Page = (
    "relationships:questions",
    {},
    Permission.ANSWER,
    _("Answer the two-sided questions"),
)
_SCRUTINY: _Page = (
    "relationships:scrutiny",
    {},
    Permission.EDIT,
    _("Change supervision and scrutiny"),
)
_RECORDS: _Page = (
    "relationships:records",
    {},
    Permission.VIEW,
    _("Go to observations and records"),
)
_CONSULT: _Page = ("relationships:consultation", {}, Permission.CONSULT, _("Record a consultation"))
_PEOPLE: _Page = (
    "relationships:people",
    {},
    Permission.DESCRIBE,
    _("Go to what the work takes into account for each person"),
)
_APPROACH: _Page = ("relationships:approach", {}, Permission.EDIT, _("Change how you work"))
_PAGES: dict[str, _Page] = {
    "respect.capacity_lacking": _PEOPLE,
    "respect.capacity_fluctuating": _PEOPLE,
    "respect.capacity_uncertain": _PEOPLE,
    "respect.scope_undefined": (
        "relationships:together",
        {},
        Permission.CO_PRODUCE,
        _("Say what you decide or make together"),
    ),
    "responsibility.burden_high": _PEOPLE,
    "responsibility.burden_unassessed": _PEOPLE,
    "responsibility.not_optional": _PEOPLE,
    "responsibility.decline_unknown": _PEOPLE,
    "responsibility.adjustments_missing": _PEOPLE,
    "responsibility.expertise_tradeoff": _APPROACH,
    "responsibility.resources_unreviewed": _APPROACH,
    "responsibility.resources_unjustified": _APPROACH,
    "responsibility.outcome_plan_missing": _APPROACH,
    "respect.consent_missing": (
        "relationships:consent",
        {},
        Permission.CONSENT,
        _("Record consent"),
    ),
    "respect.consent_uninformed": (
        "relationships:consent",
        {},
        Permission.CONSENT,
        _("Record consent"),
    ),
    "respect.affected_unidentified": (
        "relationships:affected",
        {},
        Permission.NAME_AFFECTED,
        _("Say who else is affected"),
    ),
    "respect.affected_consent_missing": (
        "relationships:affected",
        {},
        Permission.NAME_AFFECTED,
        _("Record their consent"),
    ),
    "respect.contract_missing": _CONTRACT,
    "respect.preferences_assumed": _QUESTIONS,
    "respect.professional_not_first": _QUESTIONS,
    "respect.divergent_views": _QUESTIONS,
    "respect.best_interests": _CONSULT,
    "respect.compulsory": _CONSULT,
    "respect.court_ordered": _CONSULT,
    "competence.no_external_authority": _SCRUTINY,
    "competence.supervision_insufficient": _SCRUTINY,
    "competence.team_uninformed": _SCRUTINY,
    "competence.no_public_reporting": _SCRUTINY,
    "competence.supervision_overdue": (
        "relationships:supervision",
        {},
        Permission.SUPERVISE,
        _("Record supervision"),
    ),
    "competence.independent_review_due": (
        "relationships:review",
        {"kind": "independent"},
        Permission.SUPERVISE,
        _("Record an independent review"),
    ),
    "competence.malignant_coupling": _RECORDS,
    "competence.collusion": _RECORDS,
    "competence.traumatic_reenactment": _RECORDS,
    "competence.gang_or_cartel": _RECORDS,
    "competence.boundary_drift": _RECORDS,
    "competence.consultation_unheeded": _CONSULT,
    "competence.uncertain_unconsulted": _CONSULT,
    "responsibility.disclosure_unjustified": _RECORDS,
    "integrity.costs_benefits_unstated": _CONTRACT,
    "integrity.costs_benefits_uncommunicated": _CONTRACT,
    "integrity.financial_inequality": _CONTRACT,
    "integrity.power_unacknowledged": _CONTRACT,
    "integrity.multiple_roles": _CONTRACT,
    "integrity.exit_plan_missing": _CONTRACT,
    "integrity.in_name_only": _QUESTIONS,
    "integrity.review_overdue": (
        "relationships:review",
        {"kind": "contract"},
        Permission.EDIT,
        _("Record a contract review"),
    ),
}


def resolving_link(code: str, user: Any, relationship: Relationship) -> tuple[str, str] | None:
    """(url, label) of the page that acts on this finding, if this person may use it."""
    held = standing(user, relationship)
    return None if held is None else link_for(code, held, relationship.pk)


def link_for(code: str, held: Standing, relationship_pk: int) -> tuple[str, str] | None:
    """(url, label) of the page that acts on this finding, for someone of this standing."""
    page = _PAGES.get(code)
    if page is None or page[2] not in grants(held):
        return None
    name, kwargs, _, label = page
    return reverse(name, kwargs={"pk": relationship_pk, **kwargs}), str(label)
