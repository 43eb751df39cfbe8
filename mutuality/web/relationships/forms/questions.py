"""Forms for the two-sided questions and the psychological contract.

Both carry the relationship's `revision` in a hidden field, so a change made by someone
else after the page was opened is refused rather than silently overwritten. Every limit
here matches the case format's (framework/_types.py), so a form that validates always
makes a case that validates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import QUESTIONS, VOCABULARY
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.relationships.forms.common import STALE, field_of
from mutuality.web.relationships.forms.records import RecordForm
from mutuality.web.relationships.models import ContractVersion, Participant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LINE_LIMIT = 2000  # a cost or benefit (the case format's Text)
TEXT_LIMIT = 4000  # the contract's free-text parts (the case format's OptionalText)
MOST_LINES = 50
MOST_DAYS = 36_500


def payment_kinds() -> dict[str, str]:
    """The ways of paying, value to words; read when a page is made, so the words follow the
    reader's language once the framework translates them."""
    return dict(VOCABULARY["payment_kind"].labels())


def paid_words(kind: str) -> str:
    """How one person is paid, in words ("Not decided yet" for no payment chosen)."""
    return payment_kinds().get(kind) or gettext("Not decided yet")


def revision_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": STALE, "invalid": STALE, "min_value": STALE},
    )


def who(participant: Participant) -> str:
    """A participant as the pages name them: their name and their part in it."""
    role = VOCABULARY["role"].labels().get(participant.role, participant.role)
    return gettext("%(name)s (%(role)s)") % {"name": participant.called, "role": role}


class AnswersForm(NhsFormMixin, forms.Form):
    """One person's answers, in the wording for their role; each question is optional."""

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.id] = forms.ChoiceField(
                label=question.wording["recipient" if role == "recipient" else "professional"],
                choices=list(question.answers.items()),
                widget=forms.RadioSelect,
                required=False,
                error_messages={
                    "invalid_choice": _(
                        "Choose one of the answers shown, or leave this question out"
                    )
                },
            )
        self.fields["revision"] = revision_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.answers() and not self.errors:
            raise forms.ValidationError(
                _("Answer at least one question. You can leave out any you do not want to answer.")
            )
        return cleaned

    def answers(self) -> dict[str, str]:
        """The answers given, keyed by question id, in the case format's values."""
        data = getattr(self, "cleaned_data", {})
        return {q.id: data[q.id] for q in QUESTIONS if data.get(q.id)}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[question.id] for question in QUESTIONS]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class LinesField(forms.CharField):
    """A textarea read as a list: one item on each line, blank lines left out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            max_length=(LINE_LIMIT + 2) * MOST_LINES,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "max_length": _(
                    "This is too long. Write each item on its own line, in a few words."
                )
            },
            **kwargs,
        )

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        lines = _lines(text)
        if len(lines) > MOST_LINES:
            raise forms.ValidationError(
                gettext("Write no more than %(most)s lines here.") % {"most": MOST_LINES}
            )
        if any(len(line) > LINE_LIMIT for line in lines):
            raise forms.ValidationError(
                gettext(
                    "Each line must be %(limit)s characters or fewer. "
                    "Split a long line into shorter ones."
                )
                % {"limit": f"{LINE_LIMIT:,}"}
            )
        return lines


def keep_to(limit: int) -> str:
    """The error for text over `limit` characters (made inside a request, in its language)."""
    return gettext("Keep this to %(limit)s characters or fewer.") % {"limit": f"{limit:,}"}


def _text(label: StrOrPromise, hint: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": keep_to(TEXT_LIMIT)},
    )


TEXT_FIELDS = {
    "inequalities_addressed": (
        _("How are differences in pay, money or other advantages between you handled?"),
        _(
            "For example, the co-producer is paid the involvement rate and was offered "
            "benefits advice."
        ),
    ),
    "power_differential": (
        _("How have you talked about the power difference between you?"),
        _("For example, when you talked about it, and what you agreed to do about it."),
    ),
    "multiple_roles_plan": (
        _("If you know each other in other ways, how will you keep those roles apart?"),
        _(
            "For example, as neighbours, colleagues or employer and employee. "
            "Leave this empty if you do not."
        ),
    ),
    "exit_plan": (
        _("How can either of you end this way of working?"),
        _("Say what happens to the co-producer's help and services if it ends."),
    ),
}


def contract_terms(contract: ContractVersion | None) -> dict[str, Any]:
    """What a contract version says, in the shape `ContractForm.terms()` gives."""
    if contract is None:
        return {
            "costs_and_benefits": [],
            "communicated_to": [],
            "payments": [],
            **dict.fromkeys(TEXT_FIELDS),
            "review_every_days": None,
        }
    return {
        "costs_and_benefits": contract.costs_and_benefits,
        "communicated_to": contract.communicated_to,
        "payments": contract.payments,
        **{name: getattr(contract, name) for name in TEXT_FIELDS},
        "review_every_days": contract.review_every_days,
    }


def same_terms(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two sets of terms say the same thing (order and blank entries aside)."""

    def meaning(terms: dict[str, Any]) -> tuple[Any, ...]:
        parties = {
            entry["party"]: (tuple(entry.get("costs", [])), tuple(entry.get("benefits", [])))
            for entry in terms["costs_and_benefits"]
            if entry.get("costs") or entry.get("benefits")
        }
        payments = {entry["to"]: entry["kind"] for entry in terms["payments"]}
        texts = tuple((terms[name] or "").strip() for name in TEXT_FIELDS)
        return (
            parties,
            frozenset(terms["communicated_to"]),
            payments,
            texts,
            terms["review_every_days"],
        )

    return meaning(a) == meaning(b)


class ContractForm(NhsFormMixin, forms.Form):
    """The professional's draft of the contract, for the relationship's participants."""

    def __init__(self, *args: Any, participants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = participants
        fields: dict[str, forms.Field] = {}
        days_range = gettext("Enter a number of days from 1 to %(most)s") % {
            "most": f"{MOST_DAYS:,}"
        }
        for p in participants:
            fields[f"costs__{p.slug}"] = LinesField(
                label=gettext("What this work may cost %(name)s") % {"name": p.called},
                help_text=_(
                    "Write each cost on its own line, for example time, money, "
                    "or going back over hard experiences."
                ),
            )
            fields[f"benefits__{p.slug}"] = LinesField(
                label=gettext("What %(name)s may gain") % {"name": p.called},
                help_text=_("Write each benefit on its own line."),
            )
        fields["communicated_to"] = forms.MultipleChoiceField(
            label=_("Who has had these costs and benefits explained to them, clearly?"),
            help_text=_("Tick everyone who has."),
            choices=[(p.slug, who(p)) for p in participants],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": _("Tick only the people listed")},
        )
        for p in participants:
            fields[f"payment__{p.slug}"] = forms.ChoiceField(
                label=gettext("How is %(name)s paid for this work?") % {"name": p.called},
                choices=[*payment_kinds().items(), ("", _("Not decided yet"))],
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": _("Choose one of the ways of paying shown")},
            )
        for name, (label, hint) in TEXT_FIELDS.items():
            fields[name] = _text(label, hint)
        fields["review_every_days"] = forms.IntegerField(
            label=_("How often will you review the contract together, in days?"),
            help_text=_("For example, 90 for about every three months."),
            required=False,
            min_value=1,
            max_value=MOST_DAYS,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
            error_messages={
                "invalid": _("Enter the number of days as a whole number, like 90"),
                "min_value": days_range,
                "max_value": days_range,
            },
        )
        fields["revision"] = revision_field()
        self.fields = fields

    @classmethod
    def initial_from(cls, terms: dict[str, Any], revision: int) -> dict[str, Any]:
        """Initial values (or form data) that show these terms in the form."""
        initial: dict[str, Any] = {"revision": revision}
        for entry in terms["costs_and_benefits"]:
            for part in ("costs", "benefits"):
                key = f"{part}__{entry['party']}"
                initial[key] = "\n".join(filter(None, [initial.get(key, ""), *entry.get(part, [])]))
        initial["communicated_to"] = list(terms["communicated_to"])
        for entry in terms["payments"]:
            initial[f"payment__{entry['to']}"] = entry["kind"]
        for name in TEXT_FIELDS:
            initial[name] = terms[name] or ""
        days = terms["review_every_days"]
        initial["review_every_days"] = "" if days is None else days
        return initial

    def party_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "participant": p,
                "who": who(p),
                "costs": self[f"costs__{p.slug}"],
                "benefits": self[f"benefits__{p.slug}"],
                "payment": self[f"payment__{p.slug}"],
            }
            for p in self.participants
        ]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TEXT_FIELDS]

    def terms(self) -> dict[str, Any]:
        """The contract as the case format holds it (call after `is_valid()`)."""
        data = self.cleaned_data
        costs_and_benefits = [
            {
                "party": p.slug,
                "costs": data[f"costs__{p.slug}"],
                "benefits": data[f"benefits__{p.slug}"],
            }
            for p in self.participants
            if data[f"costs__{p.slug}"] or data[f"benefits__{p.slug}"]
        ]
        told = set(data["communicated_to"])
        return {
            "costs_and_benefits": costs_and_benefits,
            "communicated_to": [p.slug for p in self.participants if p.slug in told],
            "payments": [
                {"to": p.slug, "kind": data[f"payment__{p.slug}"]}
                for p in self.participants
                if data[f"payment__{p.slug}"]
            ],
            **{name: data[name].strip() or None for name in TEXT_FIELDS},
            "review_every_days": data["review_every_days"],
        }


class AgreeForm(forms.Form):
    """Agreeing to one version of the contract: the version seen, and the revision."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"required": STALE, "invalid": STALE}
    )
    revision = revision_field()


# The contract's conversation (ADR 0014) ---------------------------------------------------------

REASON_LIMIT = TEXT_LIMIT


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"required": STALE, "invalid": STALE}
    )


ANSWERS = {
    "decline": _("Decline this version, and say why"),
    "comment": _("Add a comment, without agreeing or declining"),
}


class RespondForm(RecordForm):
    """Decline the version with a reason, or comment on it: the words are kept as written."""

    version = _version_field()
    answer = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=list(ANSWERS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to decline this version or to add a comment"),
            "invalid_choice": _("Choose whether to decline this version or to add a comment"),
        },
    )
    reason = forms.CharField(
        label=_("Your reason or comment"),
        help_text=_("The other person will read this on the contract page."),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, can_decline: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.pop("maxlength", None)  # the server says, not cuts
        self.fields["reason"].error_messages["max_length"] = keep_to(REASON_LIMIT)
        if not can_decline:
            field = field_of(self, "answer", forms.ChoiceField)
            field.choices = [("comment", ANSWERS["comment"])]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reason = (cleaned.get("reason") or "").strip()
        cleaned["reason"] = reason
        if not reason and "reason" not in self.errors:
            if cleaned.get("answer") == "decline":
                self.add_error("reason", gettext("Enter why you are declining this version"))
            elif cleaned.get("answer") == "comment":
                self.add_error("reason", gettext("Enter your comment"))
        return cleaned


class ConfirmConsentForm(RecordForm):
    """Confirming one's consent for one version of the contract."""

    version = _version_field()
