"""Demo data: one country's coordination mechanism, invented.

``gcmhub demo`` calls ``load_demo_commitments`` once the demo accounts
exist. Everything here is invented for trying GCM Hub out: every
organisation says so in its name and every record carries ``is_demo``, which
every page shows as "invented demo data". Kenya is used because the demo
ministry and focal point already belong to it; nothing here describes what
Kenya or any real body has done or promised.

Planted for the coordination page to find (tests/commitments/test_demo.py
checks each one):

* gaps: objectives 8, 9, 10, 14 and 18 have no commitment; one commitment
  has partners but no lead; financial ones are unfunded; some are overdue,
  stale (last report 14 months ago) or inactive (30 months ago);
* overlaps: two pairs of near-identical commitments by different
  organisations on the same objective (pre-departure training, mobile
  clinics);
* matches: a request for technical support answered by a matching pledge
  (confirmed by both sides), and a request for financial support with a
  fitting pledge nobody has linked yet;
* a joint pledge updated by two of its partners, a red line, updates with
  links and a file as evidence, some verified and some waiting for review,
  one submission waiting for approval and one draft sent back with a reason;
* situations of vulnerability and migration stages on the commitments that
  protect someone (``PROTECTION_TAGS``), so that the list filters and the
  protection-gap matrix have measures to read. The protection demo plants
  its gaps around them: nothing here covers persons in need of
  international protection, nor victims of trafficking at destination or on
  return.

Records go through the same services as the web pages (as the system
operator, and the demo reviewer for reviews); only the dates of past
reports are set afterwards, since a service records "now".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

DEMO_AREA = "KEN"
SUFFIX = " (invented demo organisation)"

# key: (name, acronym, kind, area ISO3 or None)
ORGANIZATIONS = {
    "ministry": ("Example Ministry of Labour and Migration", "EMLM", "ministry-agency", "KEN"),
    "interior": ("Example Ministry of Interior and Border Management", "EMIB", "ministry-agency", "KEN"),
    "health": ("Example Ministry of Health", "EMH", "ministry-agency", "KEN"),
    "foreign": ("Example Ministry of Foreign Affairs and Diaspora", "EMFAD", "ministry-agency", "KEN"),
    "statistics": ("Example National Bureau of Statistics", "ENBS", "ministry-agency", "KEN"),
    "county": ("Example Lakeside County Government", "ELCG", "local-government", "KEN"),
    "parliament": ("Example Parliamentary Committee on Migration", "EPCM", "parliament", "KEN"),
    "legal_aid": ("Example Migrant Legal Aid Centre", "EMLAC", "civil-society", "KEN"),
    "diaspora": ("Example Diaspora Remittance Association", "EDRA", "migrant-diaspora", "KEN"),
    "mobile_money": ("Example Mobile Money Company", "EMMC", "private-sector", "KEN"),
    "union": ("Example Domestic Workers' Union", "EDWU", "trade-union", "KEN"),
    "university": ("Example University Migration Research Centre", "EUMRC", "academia", "KEN"),
    "donor": ("Example Development Cooperation Agency", "EDCA", "international-organization", None),
}

GAP_OBJECTIVES = (8, 9, 10, 14, 18)


@dataclass
class Spec:
    key: str
    kind: str
    title: str
    description: str
    owner: str
    objectives: tuple
    actions: tuple = ()
    partners: tuple = ()  # (organisation key, role)
    form: str = ""
    funding: str = ""
    amounts: tuple = ()  # (stage, amount, currency, months ago)
    metric: str = ""
    unit: str = ""
    baseline: int | None = None
    target: int | None = None
    started: int = 30  # months ago
    due: int | None = 24  # months from now (negative: past); None: horizon
    horizon: int | None = None
    status: str = "in_progress"
    completion: str = "limited"
    state: str = "published"  # published | submitted | draft | rejected
    reported: int | None = None  # months since the last report (None: recent)
    updates: tuple = ()  # Update
    matches: str | None = None


@dataclass
class Update:
    months_ago: int
    status: str
    completion: str
    narrative: str
    organization: str | None = None  # key; None: the owner
    links: tuple = ()
    file: tuple | None = None  # (name, bytes)
    published: bool = True
    verification: str = ""
    note: str = ""


ATTENDANCE_CSV = (
    b"invented demo data,,\nmonth,sessions,participants\n2025-01,12,340\n2025-02,15,410\n2025-03,14,395\n"
)


# Spec key → (situations of vulnerability, migration stages; empty: every stage).
PROTECTION_TAGS = {
    "legal_aid_detention": (("migrant_in_detention",), ("destination",)),
    "recruitment_law": (("exploited_worker",), ("pre_departure", "destination")),
    "screening_referral": (("unaccompanied_child", "trafficking_victim"), ("transit",)),
    "vulnerability_shelters": (("survivor_of_violence",), ("destination",)),
    "red_line_children": (("unaccompanied_child", "migrant_in_detention"), ()),
    "clinics_health": (("pregnant_woman",), ("transit", "destination")),
    "clinics_county": (("pregnant_woman",), ("transit",)),
    "border_training": (("trafficking_victim", "unaccompanied_child"), ("transit",)),
    "basic_services_schools": (("unaccompanied_child",), ("destination",)),
    "reintegration_desks": (("stranded_migrant",), ("return",)),
}


def _specs() -> list[Spec]:
    training = "Pre-departure orientation training for migrant workers going to the Gulf states"
    return [
        Spec("data_request", "request", "Support sought to build a migration data system",
             "The bureau seeks funding to link border, labour and civil registration records into one "
             "migration statistics system.", "statistics", (1,), ("1a", "1c"), form="financial", funding="unfunded",
             metric="Administrative sources linked", unit="sources", baseline=1, target=5, due=36,
             status="planned", completion="not_started"),
        Spec("data_offer", "pledge", "Funding for national migration statistics systems",
             "Grants to national statistics offices for migration data systems and training of statisticians.",
             "donor", (1,), ("1c",), form="financial", funding="funded",
             amounts=(("pledged", 500000, "EUR", 10), ("committed", 200000, "EUR", 4)),
             metric="Countries supported", unit="countries", baseline=0, target=3, due=30,
             updates=(Update(3, "in_progress", "limited", "Call for proposals opened to statistics offices.",
                             links=(("https://example.org/demo/call-for-proposals", "Call for proposals"),),
                             verification="partly_verified", note="Call seen; no grant signed yet."),)),
        Spec("centre_request", "request", "Technical support for a one-stop migrant resource centre",
             "The county asks for technical help to design and staff a one-stop centre giving migrants "
             "information on documents, work and services.", "county", (7, 15), ("7b",), form="technical",
             funding="unfunded", metric="Centres open", unit="centres", baseline=0, target=1, due=18,
             status="in_progress", completion="limited"),
        Spec("centre_offer", "matching_pledge", "Technical assistance for the Lakeside migrant resource centre",
             "Advisers for twelve months to set up case management and referral procedures at the centre.",
             "donor", (7,), ("7b",), form="technical", funding="funded", metric="Advisers deployed",
             unit="advisers", baseline=0, target=2, due=12, matches="centre_request",
             updates=(Update(2, "in_progress", "substantial", "Two advisers deployed; referral procedures drafted.",
                             verification="verified", note="Deployment letters checked."),)),
        Spec("joint_remittances", "joint_pledge", "Cheaper digital remittances for migrant families",
             "Ministry, union and a mobile money company lower the cost of sending money home and teach "
             "families to compare fees.", "ministry", (20,), ("20a", "20e"),
             partners=(("ministry", "lead"), ("union", "support"), ("mobile_money", "funder")),
             form="financial", funding="partly_funded",
             amounts=(("pledged", 1200000, "KES", 12), ("disbursed", 300000, "KES", 5)),
             metric="Average cost of sending 200 USD", unit="percent", baseline=9, target=3, due=30,
             updates=(
                 Update(8, "in_progress", "limited", "Fee comparison leaflets printed and handed out.",
                        links=(("https://example.org/demo/fee-leaflet", "Fee comparison leaflet"),),
                        verification="verified", note="Leaflet and distribution list checked."),
                 Update(2, "in_progress", "substantial", "Union members trained as money-transfer advisers.",
                        organization="union", file=("training-attendance.csv", ATTENDANCE_CSV), published=False),
             )),
        Spec("red_line_children", "red_line", "No detention of children for migration reasons",
             "Children are never detained because of their or their parents' migration status; "
             "alternatives to detention are used instead.", "interior", (13,), ("13h",),
             partners=(("interior", "lead"), ("legal_aid", "consulted")), form="policy",
             metric="Children detained for migration reasons", unit="children", baseline=40, target=0,
             horizon=5, due=None, started=20),
        Spec("training_ministry", "national_action", training,
             "Every worker recruited for the Gulf states follows a five-day orientation on rights, contracts "
             "and where to get help.", "ministry", (6,), ("6a",), form="technical",
             metric="Workers trained", unit="people", baseline=2000, target=20000, due=20,
             updates=(Update(5, "in_progress", "substantial", "Orientation centres opened in three towns.",
                             verification="not_verified", note="No attendance records supplied."),)),
        Spec("training_union", "pledge", "Pre-departure orientation training for domestic workers going to "
             "the Gulf states", "Five days of orientation for domestic workers recruited for the Gulf states: rights, "
             "contracts and where to get help.", "union", (6,), ("6a",), form="technical",
             metric="Domestic workers trained", unit="people", baseline=0, target=3000, due=20),
        Spec("clinics_health", "national_action", "Mobile health clinics for migrants in border towns",
             "Mobile clinics visit border towns every week to give migrants primary care whatever their status.",
             "health", (15,), ("15e",), form="human_resources", metric="Clinic visits", unit="visits",
             baseline=0, target=12000, due=-3, status="in_progress", completion="substantial"),
        Spec("clinics_county", "national_action", "Mobile clinics for migrants in the border towns of Lakeside",
             "Weekly mobile clinics give primary care to migrants in Lakeside's border towns, whatever their "
             "status.", "county", (15,), ("15e",), form="in_kind", metric="Clinic visits", unit="visits",
             baseline=0, target=5000, due=12),
        Spec("legal_aid_detention", "pledge", "Free legal aid for migrants in immigration proceedings",
             "Lawyers give free advice and representation to migrants facing removal or detention.",
             "legal_aid", (13, 21), ("13b",), form="human_resources", metric="People represented",
             unit="people", baseline=150, target=900, due=18, reported=14),
        Spec("diaspora_bonds", "pledge", "Diaspora investment fund for local enterprises",
             "Members pool savings into a fund lending to small firms in their home counties.", "diaspora", (19,),
             ("19d",), form="financial", funding="unfunded", metric="Firms financed", unit="firms", baseline=0,
             target=50, due=36, reported=30, started=40),
        Spec("diaspora_skills", "pledge", "Diaspora professionals mentor young graduates",
             "Diaspora engineers and doctors mentor graduates online for a year.", "diaspora", (19,), ("19c",),
             partners=(("diaspora", "support"), ("university", "support")), form="human_resources",
             metric="Graduates mentored", unit="people", baseline=0, target=200, due=24),
        Spec("recruitment_law", "national_action", "Law banning recruitment fees charged to workers",
             "A bill so that employers, not workers, pay the cost of recruitment, with penalties for agencies.",
             "parliament", (6,), ("6c",), partners=(("parliament", "lead"), ("ministry", "consulted")),
             form="policy", metric="Law adopted", unit="law", baseline=0, target=1, due=-6, status="delayed",
             completion="limited", reported=13),
        Spec("research_returns", "pledge", "Study of the reintegration of returning migrants",
             "A three-year panel study following 1,000 returnees, shared with ministries every year.",
             "university", (21,), ("21h",), form="technical", metric="Returnees followed", unit="people",
             baseline=0, target=1000, due=30),
        Spec("screening_referral", "national_action", "Screening and referral procedures at border posts",
             "Standard procedures so that border officers refer people in situations of vulnerability to "
             "the right services.", "interior", (12,), ("12a",), form="technical", metric="Border posts applying "
             "the procedures", unit="posts", baseline=0, target=14, due=12, state="draft"),
        Spec("integration_classes", "national_action", "Language and civic classes for newcomers",
             "Free evening classes in Kiswahili and English and on public services, in five towns.", "county",
             (16,), ("16b",), form="in_kind", metric="Learners", unit="people", baseline=0, target=1500, due=24,
             reported=26, started=36),
        Spec("hate_speech", "pledge", "Monitoring xenophobic speech in the media",
             "A quarterly report on xenophobic speech in national media, shared with the media council.",
             "legal_aid", (17,), ("17c",), form="technical", metric="Reports published", unit="reports",
             baseline=0, target=8, due=24),
        Spec("documents_birth", "national_action", "Birth registration for every child born to migrants",
             "Hospitals register the birth of every child, whatever the parents' status.", "interior", (4,),
             ("4a",), form="policy", metric="Births registered", unit="percent", baseline=70, target=100,
             due=36, updates=(Update(6, "in_progress", "limited", "Guidance sent to county hospitals.",
                                     verification="verified", note="Circular checked."),)),
        Spec("information_portal", "national_action", "One migration information portal",
             "A website and helpline on regular pathways, visas and work permits.", "foreign", (3,), ("3a",),
             form="technical", metric="Portal visits per month", unit="visits", baseline=0, target=50000,
             due=12, state="submitted"),
        Spec("causes_climate", "pledge", "Climate adaptation jobs in drought-hit counties",
             "Public works on water harvesting employing people who would otherwise leave.", "county", (2,),
             ("2h",), partners=(("county", "support"), ("donor", "funder")), form="financial",
             funding="unfunded", metric="Jobs created", unit="jobs", baseline=0, target=800, due=24),
        Spec("regular_pathways", "national_action", "Bilateral labour agreements with three countries",
             "Agreements setting fair recruitment, wages and social protection for workers placed abroad.",
             "ministry", (5,), ("5b",), form="policy", metric="Agreements signed", unit="agreements",
             baseline=1, target=4, due=18,
             updates=(Update(4, "in_progress", "substantial", "Second agreement signed.",
                             links=(("https://example.org/demo/agreement", "Signed agreement"),),
                             published=False),)),
        Spec("vulnerability_shelters", "pledge", "Shelters for migrant women in situations of vulnerability",
             "Two shelters offering protection, counselling and legal referral.", "legal_aid", (7,), ("7c",),
             form="financial", funding="partly_funded", amounts=(("committed", 45000, "USD", 6),),
             metric="Women sheltered", unit="people", baseline=0, target=400, due=24),
        Spec("border_training", "national_action", "Human rights training for border officers",
             "Every border officer trained on the rights of migrants and on screening for vulnerabilities.",
             "interior", (11,), ("11b",), form="technical", metric="Officers trained", unit="people",
             baseline=100, target=1200, due=-2, status="in_progress", completion="limited"),
        Spec("basic_services_schools", "national_action", "School places for migrant children",
             "Schools enrol migrant children without asking for residence documents.", "county", (15,), ("15f",),
             form="policy", metric="Migrant children enrolled", unit="children", baseline=300, target=2000, due=24,
             status="achieved", completion="complete"),
        Spec("skills_portability", "request", "Support sought for portable social security",
             "The ministry seeks technical support to let workers keep pension rights earned abroad.",
             "ministry", (22,), ("22a",), form="technical", funding="unfunded", metric="Agreements with pension "
             "portability", unit="agreements", baseline=0, target=2, due=36, status="planned",
             completion="not_started"),
        Spec("cooperation_forum", "national_action", "National coordination forum on migration meets every quarter",
             "Ministries, counties, unions, employers and migrant organisations review this registry together.",
             "ministry", (23,), ("23b",),
             partners=(("foreign", "support"), ("statistics", "support"), ("union", "consulted")),
             form="policy", metric="Meetings held", unit="meetings", baseline=0, target=8, due=24),
        Spec("remittance_study", "pledge", "Survey of remittance costs along the main corridors",
             "Twice a year the university publishes what sending money costs on the main corridors.",
             "university", (20,), ("20a",), form="technical", metric="Surveys published", unit="surveys",
             baseline=0, target=4, due=24, state="rejected"),
        Spec("reintegration_desks", "national_action", "Reintegration desks for returning migrants",
             "Desks at the airport and in county offices help returnees find work, training and counselling.",
             "foreign", (21,), ("21c",), partners=(("foreign", "lead"), ("county", "support")),
             form="in_kind", metric="Returnees assisted", unit="people", baseline=0, target=2500, due=24),
        Spec("employer_charter", "pledge", "Employers' charter on fair recruitment",
             "Member companies recruit only through agencies that charge workers nothing.", "mobile_money", (6,),
             ("6e",), form="policy", metric="Signatory companies", unit="companies", baseline=0, target=40,
             due=24),
    ]  # fmt: skip


def _months(months: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(30.44 * months))


@transaction.atomic
def load_demo_commitments() -> dict:
    """Create the demo coordination mechanism; returns counts. Does nothing
    when it is already there (``{"skipped": True}``)."""
    from gcmhub.commitments.models import Commitment

    area = _area()
    _demo_addresses()
    if Commitment.objects.filter(area=area, is_demo=True).exists():
        return {"skipped": True}
    organizations = {key: _organization(key) for key in ORGANIZATIONS}
    reviewer = _reviewer()
    today = timezone.localdate()
    created = {}
    updates = 0
    for spec in _specs():
        commitment = _create(spec, area, organizations, created, today)
        _review(commitment, spec.state, reviewer)
        for update in spec.updates:
            _post(commitment, update, organizations, reviewer, today)
            updates += 1
        _backdate(commitment, spec, today)
        created[spec.key] = commitment
    _confirm_match(created["centre_request"], created["centre_offer"])
    from gcmhub import dataversion

    dataversion.bump()
    return {"skipped": False, "organizations": len(organizations), "commitments": len(created), "updates": updates}


def _area():
    from gcmhub.geo.models import Area

    return Area.objects.get(iso3=DEMO_AREA)


def _organization(key: str):
    """The demo organisation ``key``, created and published if missing (the
    demo ministry of gcmhub.actors.demo is reused)."""
    from gcmhub.actors import services
    from gcmhub.actors.models import Organization

    name, acronym, kind, iso3 = ORGANIZATIONS[key]
    full_name = name + SUFFIX
    organization = Organization.objects.filter(name=full_name, is_demo=True).first()
    if organization is None:
        organization = services.create_organization(None, {
            "name": full_name, "acronym": acronym, "kind": kind, "area": iso3,
            "description": "An invented organisation for trying GCM Hub out. It does not exist.", "is_demo": True,
        })  # fmt: skip
    if not organization.is_published:
        services.publish_organization(None, organization, True, organization.version)
    return organization


def _demo_addresses() -> None:
    """Give the demo accounts an address at example.org (reserved for
    examples) so that ``gcmhub commitments remind`` shows their reminders;
    mail goes to the console unless a real backend is configured."""
    from gcmhub.actors.demo import DEMO_ACCOUNTS
    from gcmhub.actors.models import User

    for account in DEMO_ACCOUNTS:
        User.objects.filter(username=account.username, email="").update(email=f"{account.username}@example.org")


def _reviewer():
    from gcmhub.actors.models import User

    return User.objects.filter(username="demo-reviewer", is_active=True).first()


def _create(spec: Spec, area, organizations, created, today):
    from gcmhub.commitments.inputs import CommitmentInput
    from gcmhub.commitments.services import create_commitment
    from gcmhub.framework.models import Action, Objective
    from gcmhub.protection.models import Situation

    start = today - _months(spec.started)
    data = CommitmentInput(
        kind=spec.kind, title=spec.title, description=spec.description, area=area,
        owner=organizations[spec.owner],
        matches=created[spec.matches] if spec.matches else None,
        partners=[(organizations[key], role) for key, role in spec.partners],
        objectives=[Objective.objects.get(number=number) for number in spec.objectives],
        actions=[Action.objects.get(objective__number=int(code[:-1]), letter=code[-1]) for code in spec.actions],
        metric=spec.metric, metric_unit=spec.unit, metric_baseline=spec.baseline, metric_target=spec.target,
        metric_target_year=None, start_date=start,
        due_date=today + _months(spec.due) if spec.due is not None else None, horizon_years=spec.horizon,
        form_of_support=spec.form, funding_state=spec.funding,
        amounts=[
            {"stage": stage, "amount": amount, "currency": currency, "date": today - _months(months)}
            for stage, amount, currency, months in spec.amounts
        ],
        status=spec.status, completion=spec.completion, is_demo=True,
    )  # fmt: skip
    situations, stages = PROTECTION_TAGS.get(spec.key, ((), ()))
    data.situations = list(Situation.objects.filter(code__in=situations))
    data.stages = list(stages)
    return create_commitment(None, data)


def _review(commitment, state: str, reviewer) -> None:
    from gcmhub.commitments import services, verifiability

    if state == "draft":
        return
    services.submit_commitment(None, commitment, commitment.version)
    commitment.refresh_from_db()
    if state == "submitted":
        return
    if state == "rejected":
        services.reject_commitment(
            reviewer, commitment, commitment.version,
            "Please add the corridors covered and how the cost is measured (invented demo review).",
        )  # fmt: skip
        return
    reason = "" if verifiability.is_verifiable(commitment) else "Published for the demonstration (invented)."
    services.approve_commitment(reviewer, commitment, commitment.version, exception_reason=reason)
    commitment.refresh_from_db()


def _post(commitment, spec: Update, organizations, reviewer, today) -> None:
    from gcmhub.commitments import services

    update = services.post_update(
        None, commitment, reported_on=today - _months(spec.months_ago), status=spec.status,
        completion=spec.completion, narrative=spec.narrative,
        organization=organizations[spec.organization] if spec.organization else None,
        links=[{"url": url, "title": title} for url, title in spec.links],
        files=[spec.file] if spec.file else [], is_demo=True,
    )  # fmt: skip
    if spec.published:
        services.publish_update(reviewer, update, update.version)
        update.refresh_from_db()
    if spec.verification:
        services.verify_update(reviewer, update, spec.verification, spec.note, update.version)
    commitment.refresh_from_db()


def _backdate(commitment, spec: Spec, today) -> None:
    """Reports happened in the past: the stale clock starts at the latest one
    (or, planted, ``spec.reported`` months ago); creation at the start date."""
    from gcmhub.commitments.models import Commitment

    if spec.reported is not None:
        last = today - _months(spec.reported)
    elif spec.updates:
        last = today - _months(min(update.months_ago for update in spec.updates))
    else:
        last = today - _months(1)
    moment = timezone.make_aware(datetime.datetime.combine(last, datetime.time(9)))
    created = timezone.make_aware(datetime.datetime.combine(today - _months(spec.started), datetime.time(9)))
    Commitment.objects.filter(pk=commitment.pk).update(last_reported_at=moment, created_at=min(created, moment))


def _confirm_match(request, offer) -> None:
    """Both sides confirmed that the offer answers the request (the demo's confirmed match)."""
    from gcmhub.commitments.models import SupportMatch

    now = timezone.now()
    SupportMatch.objects.create(
        request=request, offer=offer, state=SupportMatch.State.CONFIRMED,
        reason="Same objective (7), technical support, same country (invented demo match).",
        request_confirmed_at=now, offer_confirmed_at=now,
    )  # fmt: skip
