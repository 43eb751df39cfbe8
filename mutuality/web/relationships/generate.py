"""A synthetic service: an organisation of N plausible relationships, made in bulk.

`mutuality generate --organisation SLUG --relationships N [--seed S] [--append]`
(commands.py) calls `generate()`, which makes the organisation's people (admins, supervisors
each with a team of professionals, independent reviewers, co-producers), then the
relationships through the app's own models with `bulk_create`: every stage, consent,
contract versions and agreements, two-sided answers that sometimes disagree, supervision and
reviews, observations, consultations, disclosures, and several outcome series per recipient
(PHQ-9, GAD-7, ONS4, goal-based outcomes) that improve, hold, worsen or wander, about 20
scores a relationship. Every relationship is then assessed once, in bulk, by
`reassess_many` (the one `assess()`), and one audit event records the generation.

The same seed gives the same people, logins and relationships (dates are counted back from
the day it runs). Every login shares one password, hashed once: hashing a password per login
would take longer than everything else together. Every member of staff has an authenticator
app (ADR 0010), made in bulk, whose key is printed with their login as `totp_secret`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from mutuality.framework import QUESTIONS
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.audit.actions import record
from mutuality.web.relationships.actions import reassess_many
from mutuality.web.relationships.consent_history import consent_event
from mutuality.web.relationships.models import (
    AffectedParty,
    ConsentEvent,
    Consultation,
    ContractAgreement,
    ContractVersion,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    Relationship,
    ReviewRecord,
    Score,
    SupervisionRecord,
)

# The largest service one run makes (a bound on memory and time, not a limit of the app).
MAX_RELATIONSHIPS = 1_000_000
REASON = "generated"
# Relationships are planned and inserted this many at a time (memory stays flat).
CHUNK = 500
BATCH = 1000  # rows per INSERT: within PostgreSQL's limit on parameters for every model here
# The roles as the printed logins name them, and as the app stores them.
ROLES = {
    "admin": Role.ADMIN,
    "supervisor": Role.SUPERVISOR,
    "reviewer": Role.REVIEWER,
    "professional": Role.PROFESSIONAL,
    "coproducer": Role.CO_PRODUCER,
}
PROFESSIONAL_LOAD = (10, 40)  # relationships per professional, when there are enough
TEAM_SIZE = 8  # professionals per supervisor

FIRST_NAMES = (
    "Aaliyah", "Abdul", "Ada", "Aisha", "Alex", "Amara", "Ana", "Ben", "Bernie", "Bronwen",
    "Callum", "Chen", "Chidi", "Dafydd", "Dev", "Eilidh", "Elena", "Eve", "Farah", "Fatima",
    "Finn", "Gethin", "Grace", "Hamza", "Hannah", "Ifeoma", "Imran", "Isla", "Jack", "Jo",
    "Joseph", "Kai", "Kemi", "Kofi", "Laila", "Leanne", "Liam", "Lucy", "Mared", "Marek",
    "Maya", "Mohammed", "Nadia", "Niamh", "Noah", "Olu", "Owen", "Priya", "Rhys", "Rosa",
    "Ruth", "Sam", "Sana", "Sean", "Siobhan", "Tariq", "Tomasz", "Una", "Yusuf", "Zara",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Adeyemi", "Ahmed", "Bailey", "Begum", "Campbell", "Chowdhury", "Clarke",
    "Davies", "Edwards", "Evans", "Fraser", "Green", "Hughes", "Hussain", "Iqbal", "Jones",
    "Kaur", "Kowalski", "Lewis", "Macdonald", "Mensah", "Morgan", "Murphy", "Nguyen",
    "Nowak", "O'Brien", "Okafor", "Owusu", "Patel", "Price", "Rahman", "Reid", "Roberts",
    "Robinson", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Walsh", "Williams", "Wilson",
    "Wright", "Yilmaz", "Young",
)  # fmt: skip
PLACES = (
    "North", "South", "East", "West", "Riverside", "Harbour", "Valley", "Hillside",
    "Central", "Parkside", "Moorland", "Coastal", "Market Town", "City Centre",
)  # fmt: skip
SETTINGS = (
    "individual_therapy", "group_work", "peer_support", "service_design", "research",
    "education", "community", "other",
)  # fmt: skip
# (setting, title) pairs: what the two people are doing together.
TITLES = (
    ("group_work", "Co-facilitating a hearing-voices group"),
    ("group_work", "Co-running an anxiety management course"),
    ("group_work", "Co-leading a bereavement support group"),
    ("peer_support", "Peer mentoring on the acute ward"),
    ("peer_support", "Co-designing a walking group for new fathers"),
    ("peer_support", "Peer support for people leaving hospital"),
    ("individual_therapy", "A shared formulation in CBT"),
    ("individual_therapy", "Co-writing a relapse-prevention plan"),
    ("service_design", "Redesigning the carers' assessment together"),
    ("service_design", "Co-designing the service's welcome leaflet"),
    ("research", "An expert-by-experience co-researcher on a study"),
    ("research", "Co-analysing interviews about waiting times"),
    ("education", "Co-teaching trainee clinicians about recovery"),
    ("education", "Co-delivering a recovery college course"),
    ("community", "A community allotment project run together"),
    ("community", "Co-organising a mental health awareness day"),
    ("other", "Co-producing a podcast about recovery"),
    ("other", "Interviewing new staff together"),
)
CO_PRODUCED = (
    "the session plans", "the group's ground rules", "the goals of the work", "the routes",
    "the leaflet's wording", "the interview questions", "what is recorded and shared",
    "how new members are welcomed", "the course materials", "the analysis of the findings",
)  # fmt: skip
PROFESSIONAL_LED = (
    "risk assessment", "medication reviews", "safeguarding decisions",
    "the clinical record", "the choice of outcome measures",
)  # fmt: skip
ALTERNATIVES = (
    "a group run by two staff members", "signposting to an existing community group",
    "individual sessions without co-production", "a consultation exercise instead",
    "a paid peer worker from another service",
)  # fmt: skip
CONTRAST = (
    "shared_clinical_decisions", "contact_outside_sessions", "social_relationship",
    "payment_between_participants", "professional_self_disclosure", "recipient_in_staff_role",
    "informal_setting", "altered_confidentiality",
)  # fmt: skip
AFFECTED = (
    "the other group members", "the person's family", "the ward team", "other people on the waiting list",
    "the carers who use the service", "the staff being interviewed", "the study's participants",
)  # fmt: skip
DISCLOSED = (
    "own experience of depression", "own experience of hearing voices", "having been a carer",
    "own recovery from an eating disorder", "a bereavement in the family",
)  # fmt: skip
OBSERVATIONS = (
    "malignant_coupling",
    "collusion",
    "traumatic_reenactment",
    "boundary_drift",
    "other",
)
OBSERVERS = ("supervisor", "professional", "co-producer", "a team colleague")
CONSULTED = ("team meeting", "clinical lead", "the person's care coordinator", "ethics forum")
GOALS = (
    "to feel confident speaking up in meetings again", "to get back to work part time",
    "to sleep through the night most nights", "to see my friends every week",
    "to manage my money without worrying", "to talk about my experience without shame",
    "to go into town on my own", "to finish the course I started",
)  # fmt: skip
NOTES = (
    "Reviewed the contract and the recent scores.", "Talked through the power difference.",
    "Agreed to keep contact to the planned sessions.", "Checked the exit plan still fits.",
    "Looked at how the group is going for both of them.",
)  # fmt: skip
# Which questionnaires a recipient fills in (each with one to three goals alongside).
INSTRUMENT_SETS = (
    ("phq9", "gad7", "gbo"),
    ("ons4", "gbo"),
    ("phq9", "ons4", "gbo"),
    ("gad7", "gbo"),
    ("phq9", "gad7", "ons4", "gbo"),
)
TRAJECTORIES = (("improving", 66), ("stable", 20), ("worsening", 6), ("wandering", 8))
STAGES = (("proposed", 10), ("active", 60), ("ending", 10), ("ended", 20))


class OrganisationExists(Exception):
    """The organisation is there already and adding to it was not asked for."""


@dataclass(frozen=True)
class Login:
    """One printed login; the keys of `to_json` are the public format of `generate`'s output.
    Staff have a `totp_secret`: the key of their authenticator app, to compute its codes."""

    username: str
    role: str
    email: str
    password: str
    display_name: str
    totp_secret: str | None = None

    def to_json(self) -> str:
        fields = asdict(self)
        if fields["totp_secret"] is None:
            del fields["totp_secret"]
        return json.dumps(fields)


@dataclass
class Generated:
    organisation: Organisation
    logins: list[Login]
    relationships: list[Relationship]
    scores: int


Progress = Callable[[str, int], None]  # (what was done: "created" or "assessed", how many)


def generate(
    *,
    slug: str,
    relationships: int,
    seed: int,
    append: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> Generated:
    """Make (or, with `append`, add to) the organisation `slug`: people and `relationships`
    relationships, each assessed; all or nothing. Raises OrganisationExists."""
    report = progress or (lambda _what, _count: None)
    with transaction.atomic():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is not None and not append:
            raise OrganisationExists(slug)
        if organisation is None:
            organisation = Organisation.objects.create(
                slug=slug, name=f"{_title(slug)} (synthetic)"
            )
        batch = _batch(slug)
        # Reproducible on purpose, the password too: a synthetic service is for trying the app
        # and benchmarking it, never for real people's information.
        rng = random.Random(f"{seed}/{batch}")  # noqa: S311
        staff = _Staff.make(rng, organisation, _prefix(slug, batch), relationships)
        builder = _Builder(rng, organisation, today or timezone.localdate())
        made: list[Relationship] = []
        for start in range(0, relationships, CHUNK):
            for index in range(start, min(start + CHUNK, relationships)):
                builder.add(staff.people_for(index))
            made += builder.flush()
            report("created", len(made) - start)
        # Every new relationship, assessed together by the one writer of stored assessments
        # (ids only grow, so the new ones are those from the first made here on).
        first = min(r.pk for r in made)
        new = Relationship.objects.filter(organisation=organisation, pk__gte=first)
        reassess_many(new, reason=REASON, progress=lambda n: report("assessed", n))
        record(
            user=None,
            action="generate",
            obj=organisation,
            organisation_id=organisation.pk,
            relationships=relationships,
            logins=len(staff.logins),
            seed=seed,
            batch=batch,
            via="command line",
        )
    _update_statistics()
    return Generated(organisation, staff.logins, made, builder.scores)


def _update_statistics() -> None:
    """Tell PostgreSQL the tables just grew by hundreds of thousands of rows, as one does after
    a bulk load. Its autovacuum would, but only after a while: until then the planner plans the
    lists as if the tables were empty (scanning them whole), and an index holding every column
    a count needs still visits each row's page until VACUUM has marked the pages all-visible.
    VACUUM cannot run inside a transaction (a caller's, or a test's), so there it only
    ANALYZEs. SQLite plans by its indexes until asked to ANALYZE, and the lists are written for
    that; its statistics are left as they are."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _title(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").title()


def _prefix(slug: str, batch: int) -> str:
    # A slug never holds a dot, so no organisation's usernames can collide with another's.
    return slug if batch == 1 else f"{slug}.{batch}"


def _batch(slug: str) -> int:
    """1 for an organisation's first generation, 2 for the next (--append) and so on."""
    batch = 1
    while User.objects.filter(username__startswith=f"{_prefix(slug, batch)}.").exists():
        batch += 1
    return batch


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


# --- people ---------------------------------------------------------------------------------


@dataclass
class People:
    """Who works on one relationship."""

    professional: User
    supervisor: User
    reviewer: User | None
    coproducer: User | None


@dataclass
class _Staff:
    logins: list[Login]
    professionals: list[User]
    supervisor_of: dict[int, User]  # professional's pk -> their supervisor
    reviewers: list[User]
    plan: list[tuple[User, User | None, User | None]]  # per relationship

    @classmethod
    def make(
        cls, rng: random.Random, organisation: Organisation, prefix: str, relationships: int
    ) -> _Staff:
        counts = _head_counts(relationships)
        password = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(20))
        hashed = make_password(password)
        domain = f"{organisation.slug}.example.org"
        teams = [f"{place} team" for place in _cycle(rng, PLACES, counts["supervisor"])]
        users: dict[str, list[User]] = {}
        logins: list[Login] = []
        for role, count in counts.items():
            width = max(2, len(str(count)))
            users[role] = []
            for number in range(1, count + 1):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                username = f"{prefix}.{role}-{number:0{width}d}"
                name = f"Dr {first} {last}" if role == "supervisor" else f"{first} {last}"
                staff = ROLES[role] != Role.CO_PRODUCER
                user = User(
                    username=username,
                    email=f"{username}@{domain}",
                    password=hashed,
                    first_name=first,
                    last_name=last,
                    display_name=name,
                    role=ROLES[role],
                    organisation=organisation,
                    has_second_factor=staff,
                )
                users[role].append(user)
                secret = _totp_secret(password, username) if staff else None
                logins.append(Login(username, role, user.email, password, name, secret))
        supervisors, professionals = users["supervisor"], users["professional"]
        for index, supervisor in enumerate(supervisors):
            supervisor.team = teams[index]
        for index, professional in enumerate(professionals):
            professional.team = supervisors[index % len(supervisors)].team
        User.objects.bulk_create([u for role in counts for u in users[role]], batch_size=BATCH)
        _authenticator_apps(users, logins)
        _verified_addresses(users)
        supervisor_of = {
            p.pk: supervisors[i % len(supervisors)] for i, p in enumerate(professionals)
        }
        plan = _assign(rng, relationships, professionals, users["reviewer"], users["coproducer"])
        return cls(logins, professionals, supervisor_of, users["reviewer"], plan)

    def people_for(self, index: int) -> People:
        professional, reviewer, coproducer = self.plan[index]
        return People(professional, self.supervisor_of[professional.pk], reviewer, coproducer)


def _totp_secret(password: str, username: str) -> str:
    """A person's authenticator key, from the shared password and their login: the same seed
    gives the same keys, without drawing from the seed's random numbers."""
    digest = hashlib.sha256(f"{password}:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def _authenticator_apps(users: dict[str, list[User]], logins: list[Login]) -> None:
    """Every member of staff's authenticator app, in bulk (bulk_create sends no signals, so
    `has_second_factor` was set on the users themselves)."""
    secrets = {login.username: login.totp_secret for login in logins if login.totp_secret}
    Authenticator.objects.bulk_create(
        [
            Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)})
            for people in users.values()
            for user in people
            if (secret := secrets.get(user.username))
        ],
        batch_size=BATCH,
    )


def _verified_addresses(users: dict[str, list[User]]) -> None:
    """Everyone's address as allauth's primary row, verified (in bulk: no signals), so the
    generated people can sign in by it and reset their password with it (ADR 0009)."""
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, primary=True, verified=True)
            for people in users.values()
            for user in people
        ],
        batch_size=BATCH,
    )


def _head_counts(relationships: int) -> dict[str, int]:
    """How many people of each role a service of this size has (several of each)."""
    professionals = max(3, relationships // 25)
    supervisors = max(3, math.ceil(professionals / TEAM_SIZE))
    return {
        "admin": 3,
        "supervisor": supervisors,
        "reviewer": max(3, supervisors // 2),
        "professional": professionals,
        "coproducer": min(max(1, relationships), max(3, relationships // 100)),
    }


def _cycle(rng: random.Random, names: tuple[str, ...], count: int) -> list[str]:
    shuffled = rng.sample(names, len(names))
    return [
        shuffled[i % len(names)] + ("" if i < len(names) else f" {i // len(names) + 1}")
        for i in range(count)
    ]


def _loads(rng: random.Random, total: int, people: int) -> list[int]:
    """How many relationships each professional holds: `total` in all, spread unevenly but
    within PROFESSIONAL_LOAD whenever the total allows it."""
    low, high = PROFESSIONAL_LOAD
    loads = [total // people + (1 if i < total % people else 0) for i in range(people)]
    if not low <= total / people <= high:
        return loads
    for _ in range(people * 3):
        give, take = rng.randrange(people), rng.randrange(people)
        amount = rng.randint(0, max(0, min(loads[give] - low, high - loads[take], 8)))
        loads[give] -= amount
        loads[take] += amount
    return loads


def _assign(
    rng: random.Random,
    relationships: int,
    professionals: list[User],
    reviewers: list[User],
    coproducers: list[User],
) -> list[tuple[User, User | None, User | None]]:
    """Per relationship: its professional, independent reviewer (some) and co-producer login
    (a few; the other recipients have no login)."""
    loads = _loads(rng, relationships, len(professionals))
    holders = [p for p, load in zip(professionals, loads, strict=True) for _ in range(load)]
    rng.shuffle(holders)
    with_login = dict(
        zip(rng.sample(range(relationships), len(coproducers)), coproducers, strict=True)
    )
    return [
        (holder, rng.choice(reviewers) if rng.random() < 0.2 else None, with_login.get(index))
        for index, holder in enumerate(holders)
    ]


# --- relationships --------------------------------------------------------------------------


@dataclass
class _Builder:
    """Plans relationships as unsaved model instances, then inserts them in bulk (`flush`)."""

    rng: random.Random
    organisation: Organisation
    today: date
    scores: int = 0
    rows: dict[type[models.Model], list[Any]] = field(default_factory=dict)
    reviewer_links: list[tuple[Relationship, User]] = field(default_factory=list)
    score_rows: list[tuple[OutcomeSeries, str, date, float | None, list[int] | None]] = field(
        default_factory=list
    )

    ORDER = (
        Relationship,
        Participant,
        AffectedParty,
        ConsentEvent,
        ContractVersion,
        ContractAgreement,
        Disclosure,
        Observation,
        Consultation,
        SupervisionRecord,
        ReviewRecord,
        OutcomeSeries,
    )

    def new(self, model: type[models.Model], **values: Any) -> Any:
        instance = model(**values)
        self.rows.setdefault(model, []).append(instance)
        return instance

    def consent_history(self, party: Participant | AffectedParty) -> None:
        """The first state of the party's consent, inserted with the rest."""
        self.rows.setdefault(ConsentEvent, []).append(consent_event(party))

    def flush(self) -> list[Relationship]:
        """Insert everything planned since the last flush; the new relationships."""
        for model in self.ORDER:
            model.objects.bulk_create(self.rows.get(model, []), batch_size=BATCH)
        through = Relationship.reviewers.through
        through.objects.bulk_create(
            [through(relationship=r, user=u) for r, u in self.reviewer_links], batch_size=BATCH
        )
        _insert_scores(self.score_rows)
        self.scores += len(self.score_rows)
        made = [r for r in self.rows.get(Relationship, []) if isinstance(r, Relationship)]
        self.rows, self.reviewer_links, self.score_rows = {}, [], []
        return made

    def add(self, people: People) -> None:
        rng, today = self.rng, self.today
        setting, title = rng.choice(TITLES)
        stage = _weighted(rng, STAGES)
        started, ended_on = self._dates(stage)
        end = ended_on or today
        contrast = sorted(rng.sample(CONTRAST, rng.choices((0, 1, 2, 3), weights=(3, 4, 2, 1))[0]))
        relationship = self.new(
            Relationship,
            organisation=self.organisation,
            title=title,
            stage=stage,
            started=started,
            ended_on=ended_on,
            setting=setting if rng.random() < 0.9 else rng.choice(SETTINGS),
            compulsory=rng.random() < 0.02,
            court_ordered=rng.random() < 0.01,
            coproduced_elements_outside=rng.random() < 0.05,
            co_produced_elements=rng.sample(CO_PRODUCED, rng.randint(1, 3)),
            professional_led_methods=rng.sample(
                PROFESSIONAL_LED, rng.choice((0, 0, 0, 0, 0, 0, 0, 1, 1, 2))
            ),
            resource_review=_weighted(
                rng,
                (
                    ("comparable", 70),
                    ("costlier_justified", 15),
                    ("not_done", 12),
                    ("costlier_unjustified", 3),
                ),
            ),
            alternatives_considered=rng.sample(ALTERNATIVES, rng.randint(0, 2)),
            contrast=contrast,
            supervisor_name=people.supervisor.display_name,
            supervisor=people.supervisor,
            team_informed=rng.choices((True, None, False), weights=(95, 4, 1))[0],
            public_reporting=True if rng.random() < 0.75 else None,
            uncertain=rng.random() < 0.05,
        )
        professional, recipient = self._participants(relationship, people, stage)
        relationship.best_interests = recipient.capacity == "lacks"
        every = relationship.supervision_every_days = self._interval(contrast, recipient)
        self._affected(relationship)
        if started is not None:
            self._supervision(relationship, people.supervisor, started, end, every)
        self._contract(relationship, professional, recipient, stage, started, end)
        if people.reviewer is not None:
            self.reviewer_links.append((relationship, people.reviewer))
            if started is not None and rng.random() < 0.7:
                day = _between(rng, started, end)
                relationship.last_independent_review = day
                self.new(
                    ReviewRecord,
                    relationship=relationship,
                    date=day,
                    kind="independent",
                    recorded_by=people.reviewer,
                    note=rng.choice(NOTES),
                )
        if started is not None:
            self._records(relationship, (professional, recipient), people.supervisor, started, end)
            relationship.outcome_plan = self._outcomes(relationship, recipient, started, end)
        else:
            relationship.outcome_plan = list(rng.choice(INSTRUMENT_SETS))

    def _interval(self, contrast: list[str], recipient: Participant) -> int:
        """Supervision as often as the scrutiny level asks (more departure or a more
        vulnerable person, more often); a few agree less than that."""
        rng = self.rng
        raised = recipient.vulnerability == "high" or recipient.answers.get("other_roles") == "yes"
        if len(contrast) >= 4:
            every = 14
        elif len(contrast) >= 2 or raised:
            every = rng.choice((14, 28, 28))
        else:
            every = rng.choice((28, 56))
        return every * 2 if rng.random() < 0.04 else every

    def _dates(self, stage: str) -> tuple[date | None, date | None]:
        rng, today = self.rng, self.today
        if stage == "proposed":
            return None, None
        if stage == "active":
            return today - timedelta(days=rng.randint(14, 720)), None
        started = today - timedelta(days=rng.randint(180, 1000))
        if stage == "ending":
            return started, None
        return started, _between(rng, started + timedelta(days=120), today - timedelta(days=1))

    def _participants(
        self, relationship: Relationship, people: People, stage: str
    ) -> tuple[Participant, Participant]:
        rng = self.rng
        answers = {
            q.id: q.caution[-1] if rng.random() < 0.96 else rng.choice(q.options) for q in QUESTIONS
        }
        professional = self.new(
            Participant,
            relationship=relationship,
            slug=people.professional.first_name.lower().replace("'", ""),
            role="professional",
            user=people.professional,
            consent="informed" if rng.random() < 0.97 else "given",
            answers=answers if stage != "proposed" or rng.random() < 0.7 else {},
            position=0,
        )
        name = people.coproducer.first_name if people.coproducer else rng.choice(FIRST_NAMES)
        slug = name.lower()
        capacity = _weighted(
            rng, (("presumed", 82), ("has", 13), ("fluctuating", 2), ("uncertain", 2), ("lacks", 1))
        )
        needs = rng.random() < 0.25
        recipient = self.new(
            Participant,
            relationship=relationship,
            slug=slug if slug != professional.slug else f"{slug}-r",
            role="recipient",
            user=people.coproducer,
            capacity=capacity,
            consent=self._consent(stage),
            vulnerability=_weighted(
                rng, (("low", 40), ("moderate", 42), ("high", 9), ("not_assessed", 9))
            ),
            can_decline_freely=True if rng.random() < 0.85 else None,
            access_needs=["large print"] if needs else [],
            adjustments=["materials in 16pt"] if needs and rng.random() < 0.8 else [],
            answers=self._diverging(professional.answers)
            if professional.answers or rng.random() < 0.5
            else {},
            position=1,
        )
        self.consent_history(professional)
        self.consent_history(recipient)
        return professional, recipient

    def _consent(self, stage: str) -> str:
        choices = {
            "proposed": (("not_sought", 40), ("informed", 53), ("given", 5), ("declined", 2)),
            "active": (("informed", 92), ("given", 5), ("withdrawn", 2), ("declined", 1)),
            "ending": (("informed", 93), ("given", 5), ("withdrawn", 2)),
            "ended": (("informed", 83), ("given", 5), ("withdrawn", 12)),
        }
        return _weighted(self.rng, choices[stage])

    def _diverging(self, answers: dict[str, str]) -> dict[str, str]:
        """The other side's answers: mostly the same, sometimes another answer."""
        rng, given = self.rng, {}
        for question in QUESTIONS:
            mine = answers.get(question.id) or question.caution[-1]
            others = [option for option in question.options if option != mine]
            given[question.id] = rng.choice(others) if rng.random() < 0.03 else mine
        return given

    def _affected(self, relationship: Relationship) -> None:
        rng = self.rng
        relationship.affected_identified = rng.random() < 0.75
        if not relationship.affected_identified:
            return
        for position, name in enumerate(rng.sample(AFFECTED, rng.randint(0, 2))):
            consent = _weighted(
                rng, (("informed", 85), ("given", 7), ("not_sought", 3), ("not_needed", 5))
            )
            party = self.new(
                AffectedParty,
                relationship=relationship,
                uid=_uid(rng),
                name=name,
                consent=consent,
                reason="they are not identifiable in anything shared"
                if consent == "not_needed"
                else "",
                position=position,
            )
            self.consent_history(party)

    def _supervision(
        self, relationship: Relationship, supervisor: User, started: date, end: date, every: int
    ) -> None:
        rng = self.rng
        # Most keep to the agreed interval; some have fallen behind.
        last = end - timedelta(days=rng.randint(0, every if rng.random() < 0.88 else every * 3))
        if last < started:
            return
        relationship.last_supervision = last
        day = last
        for _ in range(rng.randint(1, 6)):
            if day < started:
                break
            self.new(
                SupervisionRecord,
                relationship=relationship,
                date=day,
                recorded_by=supervisor,
                note=rng.choice(NOTES),
            )
            day -= timedelta(days=every + rng.randint(-3, 7))

    def _contract(
        self,
        relationship: Relationship,
        professional: Participant,
        recipient: Participant,
        stage: str,
        started: date | None,
        end: date,
    ) -> None:
        rng = self.rng
        if started is None and rng.random() < 0.5:
            return  # no contract drafted yet
        versions = 1 if started is None else rng.choice((1, 1, 2, 2, 3))
        people = [professional.slug, recipient.slug]
        for number in range(1, versions + 1):
            latest = number == versions
            review = None
            if latest and started is not None and (end - started).days > 90:
                recent = 85 if rng.random() < 0.85 else 200  # most keep to the 90 days
                review = _between(rng, max(started, end - timedelta(days=recent)), end)
            contract = self.new(
                ContractVersion,
                relationship=relationship,
                version=number,
                costs_and_benefits=[
                    {
                        "party": recipient.slug,
                        "costs": ["time", "talking about hard experiences"],
                        "benefits": ["paid experience", "shaping the service"],
                    },
                    {
                        "party": professional.slug,
                        "costs": ["preparation"],
                        "benefits": ["learning from lived experience"],
                    },
                ],
                communicated_to=people,
                payments=[
                    {"to": professional.slug, "kind": "salary"},
                    {"to": recipient.slug, "kind": rng.choice(("payment", "expenses", "none"))},
                ],
                inequalities_addressed="paid at the trust's involvement rate; benefits advice offered"
                if rng.random() < 0.85
                else None,
                power_differential="talked through at the first meeting"
                if rng.random() < 0.92
                else None,
                multiple_roles_plan="kept apart from the person's own care"
                if relationship.contrast
                else None,
                exit_plan="either can end it; the person keeps their own care whatever they decide"
                if rng.random() < 0.9
                else None,
                review_every_days=90,
                last_review=review,
            )
            if review is not None:
                self.new(
                    ReviewRecord,
                    relationship=relationship,
                    date=review,
                    kind="contract",
                    recorded_by=professional.user,
                    note=rng.choice(NOTES),
                )
            agreed = (
                [professional]
                if started is None or (latest and rng.random() < 0.04)
                else [professional, recipient]
            )
            for participant in agreed:
                self.new(ContractAgreement, contract=contract, participant=participant)

    def _records(
        self,
        relationship: Relationship,
        people: tuple[Participant, Participant],
        supervisor: User,
        started: date,
        end: date,
    ) -> None:
        rng = self.rng
        if rng.random() < 0.3:
            self.new(
                Disclosure,
                relationship=relationship,
                uid=_uid(rng),
                by=people[0],
                date=_between(rng, started, end),
                about=rng.choice(DISCLOSED),
                rationale="to show recovery is possible; agreed in supervision"
                if rng.random() < 0.9
                else None,
            )
        if rng.random() < 0.12:
            self.new(
                Observation,
                relationship=relationship,
                uid=_uid(rng),
                date=_between(rng, started, end),
                kind=rng.choice(OBSERVATIONS),
                by=rng.choice(OBSERVERS),
                status="resolved" if rng.random() < 0.7 else "open",
                note="talked through in supervision",
                raised_by=supervisor,
            )
        # Someone unsure about the model is usually talked through with others, lately.
        unsure = relationship.uncertain or any(
            p.answers.get("confidence") in ("unsure", "no") for p in people
        )
        if rng.random() < (0.85 if unsure else 0.06):
            self.new(
                Consultation,
                relationship=relationship,
                uid=_uid(rng),
                date=_between(rng, max(started, end - timedelta(days=20)), end),
                with_whom=rng.choice(CONSULTED),
                outcome=_weighted(rng, (("continue", 70), ("adapt", 25), ("switch_model", 5))),
                recorded_by=supervisor,
            )

    def _outcomes(
        self, relationship: Relationship, recipient: Participant, started: date, end: date
    ) -> list[str]:
        """The recipient's outcome series with their scores; the instruments, as the plan."""
        rng = self.rng
        instruments = rng.choice(INSTRUMENT_SETS)
        days = [_between(rng, started, min(end, started + timedelta(days=14)))]
        for _ in range(rng.randint(3, 9)):
            following = days[-1] + timedelta(days=rng.randint(21, 42))
            if following > end:
                break
            days.append(following)
        trajectory = _weighted(rng, TRAJECTORIES)
        position = 0
        for instrument in instruments:
            goals = rng.sample(GOALS, rng.randint(1, 3)) if instrument == "gbo" else [None]
            for goal in goals:
                series = self.new(
                    OutcomeSeries,
                    relationship=relationship,
                    uid=_uid(rng),
                    of=recipient,
                    instrument=instrument,
                    goal=goal,
                    position=position,
                )
                position += 1
                for day, values in zip(
                    days, _scores(rng, instrument, trajectory, len(days)), strict=True
                ):
                    value, items = (
                        (None, values) if instrument == "ons4" else (float(values[0]), None)
                    )
                    self.score_rows.append((series, _uid(rng), day, value, items))
        return list(instruments)


def _insert_scores(
    rows: list[tuple[OutcomeSeries, str, date, float | None, list[int] | None]],
) -> None:
    """Scores, nearly two thirds of the rows, straight into their table: the model names the
    table and columns and turns each value into what the database stores (a date, JSON), but
    no model instance is built per score, which would double the time generation takes."""
    if not rows:
        return
    by_name = {f.name: f for f in Score._meta.concrete_fields}
    fields = [by_name[name] for name in ("series", "uid", "date", "value", "items")]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    places = ", ".join(["%s"] * len(fields))
    # Only the model's own table and column names go into the statement; values are parameters.
    sql = f"INSERT INTO {quote(Score._meta.db_table)} ({columns}) VALUES ({places})"  # noqa: S608
    prepare = [f.get_db_prep_save for f in fields]
    values = [
        tuple(p(v, connection) for p, v in zip(prepare, (series.pk, *rest), strict=True))
        for series, *rest in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH * 10):
            cursor.executemany(sql, values[start : start + BATCH * 10])


# (low, high, worse is higher, a plausible first score's range)
SCALES = {
    "phq9": (0, 27, True, (8, 22)),
    "gad7": (0, 21, True, (6, 18)),
    "gbo": (0, 10, False, (1, 4)),
    "ons4.good": (0, 10, False, (2, 6)),
    "ons4.anxiety": (0, 10, True, (4, 9)),
}
# How far a trajectory moves over the whole work, as a share of the scale (towards better).
MOVES = {
    "improving": (0.25, 0.6),
    "stable": (-0.04, 0.04),
    "worsening": (-0.3, -0.12),
    "wandering": (-0.05, 0.1),
}


def _scores(rng: random.Random, instrument: str, trajectory: str, points: int) -> list[list[int]]:
    """`points` scores in date order: one value each, or the four ONS4 items."""
    if instrument == "ons4":
        kinds = ("ons4.good", "ons4.good", "ons4.good", "ons4.anxiety")
        items = [_path(rng, SCALES[kind], trajectory, points) for kind in kinds]
        return [list(values) for values in zip(*items, strict=True)]
    return [[value] for value in _path(rng, SCALES[instrument], trajectory, points)]


def _path(
    rng: random.Random, scale: tuple[int, int, bool, tuple[int, int]], trajectory: str, points: int
) -> list[int]:
    low, high, worse_is_higher, first = scale
    start = rng.randint(*first)
    move = rng.uniform(*MOVES[trajectory]) * (high - low) * (-1 if worse_is_higher else 1)
    noise = (high - low) * (0.12 if trajectory == "wandering" else 0.05)
    values = []
    for step in range(points):
        share = step / max(1, points - 1)
        eased = 1 - (1 - share) ** 2  # most change comes early
        value = start + move * eased + (rng.gauss(0, noise) if step else 0)
        values.append(min(high, max(low, round(value))))
    return values


def logins_json(logins: Iterable[Login]) -> str:
    """The logins as JSON Lines, in the order they were made."""
    return "".join(login.to_json() + "\n" for login in logins)
