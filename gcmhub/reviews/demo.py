"""An invented review for the demo country (Kenya): a voluntary GCM review
in preparation for the IMRF 2026, with its timeline (one step late), the
stakeholders consulted and a partly completed self-assessment.

Everything here is invented to demonstrate GCM Hub; every record carries
``is_demo`` and the pages label it. Ratings and texts are examples, not
Kenya's assessment of itself. Built through the services, so history,
versions and evidence links are as real use would leave them.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from gcmhub.actors.models import Organization, User
from gcmhub.geo.models import Area
from gcmhub.reviews import instruments, services
from gcmhub.reviews.models import Review

DEMO_AREA = "KEN"
DEMO_TITLE = "Voluntary GCM review 2026 (invented demo)"

# (objective, rating, priorities, challenges, narrative): invented examples.
ANSWERS = [
    (1, "developing", "Add migratory status to the labour force survey.",
     "Administrative data of ministries are not linked.",
     "Invented example: the statistics office publishes migrant stock figures every year; data on labour migrants abroad come from two ministries and do not match."),
    (2, "room_to_develop", "Climate-related mobility in arid counties.",
     "Little data on the drivers of migration at county level.",
     "Invented example: drivers of migration are discussed in county plans but no programme addresses them directly."),
    (3, "developing", "Pre-departure information in local languages.",
     "Information reaches urban applicants more than rural ones.",
     "Invented example: a migrant information desk operates in the capital; two more are planned."),
    (5, "developing", "Bilateral labour agreements with two destination countries.",
     "Recognition of skills acquired abroad is slow.",
     "Invented example: three labour mobility agreements are in force; a fourth is under negotiation."),
    (6, "room_to_develop", "Cap recruitment fees and license agencies.",
     "Recruitment agencies charge fees to workers despite the rules.",
     "Invented example: a register of licensed recruitment agencies exists but inspections are rare."),
    (7, "developing", "Legal aid desks at border posts.",
     "Funding for legal aid depends on donors.",
     "Invented example: legal aid desks operate at two of ten border posts."),
    (10, "well_developed", "Keep victim identification training yearly.",
     "Cases across borders take long to prosecute.",
     "Invented example: a national referral mechanism for victims of trafficking is in place and used."),
    (15, "developing", "Health services for migrants regardless of status.",
     "Fear of reporting keeps migrants in irregular situations away from clinics.",
     "Invented example: emergency care is open to all; primary care requires documents in some counties."),
    (19, "developing", "Diaspora investment bond.",
     "Diaspora groups are consulted irregularly.",
     "Invented example: a diaspora affairs office exists; consultations with diaspora groups take place once a year."),
    (20, "well_developed", "Lower remittance costs further.",
     "Costs from some corridors remain high.",
     "Invented example: mobile money makes receiving remittances cheap within the country."),
]  # fmt: skip

# 10.7.2: invented answers for three domains complete, one partly.
ANSWERS_10_7_2 = {
    "1a": "yes", "1b": "yes", "1c": "yes", "1d": "no", "1e": "yes",
    "2a": "yes", "2b": "yes", "2c": "no", "2d": "no", "2e": "yes",
    "3a": "yes", "3b": "yes", "3c": "yes", "3d": "yes", "3e": "yes",
    "4a": "yes", "4b": "no",
}  # fmt: skip


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def load_demo_reviews(today: datetime.date | None = None) -> dict:
    """Create the demo review (once). Returns what was created."""
    area = Area.objects.filter(iso3=DEMO_AREA).first()
    if area is None:
        return {"skipped": "the demo country is not loaded"}
    existing = Review.objects.filter(area=area, is_demo=True).first()
    if existing is not None:
        return {"skipped": "already loaded", "review": existing}
    today = today or timezone.localdate()
    with transaction.atomic():
        return _build(area, today)


def _build(area: Area, today: datetime.date) -> dict:
    focal = _user("demo-focal-ken")
    contributor = _user("demo-contributor")
    coordinator = Organization.objects.filter(is_demo=True, area=area, kind=Organization.Kind.GOVERNMENT).first()
    day = datetime.timedelta(days=1)
    review = services.create_review(
        None,
        {
            "area": area,
            "kind": Review.Kind.NATIONAL,
            "title": DEMO_TITLE,
            "forum": "IMRF 2026",
            "period_start": datetime.date(2022, 1, 1),
            "period_end": datetime.date(2025, 12, 31),
            "deadline": today + 75 * day,
            "status": Review.Status.DRAFTING,
            "coordinating_organization": coordinator,
            "comments_open_from": today + 40 * day,
            "comments_open_until": today + 70 * day,
            "is_demo": True,
        },
    )
    steps = [
        ("Launch of the review and national steering committee", -150, -152),
        ("Consultation with civil society, migrant and diaspora groups", -90, -80),  # done late
        ("Contributions of ministries and counties", -20, None),  # late
        ("Validation workshop", 30, None),
        ("Publication and public comments", 40, None),
        ("Submission to the IMRF", 75, None),
    ]
    for title, due, done in steps:
        milestone = services.add_milestone(None, review, title, today + due * day)
        if done is not None:
            services.set_milestone_done(None, milestone, today + done * day)
    consulted = list(
        Organization.objects.filter(is_demo=True, area=area, is_published=True)
        .exclude(kind=Organization.Kind.GOVERNMENT)
        .order_by("name")[:5]
    )
    forms = ["meeting", "written", "survey", "meeting", "online"]
    for index, organization in enumerate(consulted):
        services.add_consultation(None, review, organization, today - (95 - index * 3) * day, forms[index])

    answer_set = services.official_set(review)
    if contributor is not None and services.assignable_users(review).filter(pk=contributor.pk).exists():
        services.assign(None, answer_set, [f"objective-{n}" for n in range(1, 9)], contributor)
    if focal is not None:
        services.assign(None, answer_set, [f"objective-{n}" for n in range(9, 24)], focal)
    answers = services.official_answers(review)
    for number, rating, priorities, challenges, narrative in ANSWERS:
        answer = answers[f"objective-{number}"]
        author = contributor if number <= 8 and contributor is not None else focal
        services.save_answer(
            None,
            answer,
            {"rating": rating, "priorities": priorities, "challenges": challenges, "narrative": narrative},
            answer.version,
        )
        if author is not None:
            type(answer).objects.filter(pk=answer.pk).update(updated_by=author)
    if focal is not None:
        services.add_comment(focal, answers["objective-6"], "Invented example: add the 2025 inspection figures.")
    sdg = services.start_self_assessment(None, review, instruments.SDG_10_7_2)
    for key, value in ANSWERS_10_7_2.items():
        answer = sdg.answers.get(question_key=key)
        services.save_answer(None, answer, {"rating": value}, answer.version)
    return {
        "review": review,
        "milestones": len(steps),
        "consultations": len(consulted),
        "answered": services.completion(answer_set).answered,
        "total": services.completion(answer_set).total,
    }
