"""Two invented stakeholder scorecards for the demo review (Kenya): a
migrant legal aid centre and a domestic workers' union, both invented demo
organisations of the commitments demo. They agree with the official
self-assessment on most objectives and disagree by two levels on two
(objectives 10 and 20), so the comparison page has something to show.

Everything here is invented; the organisations carry ``is_demo`` and every
justification says it is an invented example. Built through the services
(as the system operator), so versions and history are as real use leaves them.
"""

from django.db import transaction

from gcmhub.actors.models import Organization
from gcmhub.reviews import instruments, scorecards
from gcmhub.reviews.demo import DEMO_AREA
from gcmhub.reviews.models import AnswerSet, Review

# organisation name (as the commitments demo creates it) → {objective: (rating, justification)}
SCORECARDS = {
    "Example Migrant Legal Aid Centre (invented demo organisation)": {
        1: ("developing", "Invented example: county data exist but are rarely broken down by migratory status."),
        2: ("room_to_develop", "Invented example: we agree that drivers of migration in arid counties are little studied."),
        7: ("room_to_develop", "Invented example: our desks see migrants without documents turned away from clinics."),
        10: ("room_to_develop", "Invented example: of the trafficking cases we referred last year, few reached a court; "
             "victim shelters exist in two cities only."),
        13: ("room_to_develop", "Invented example: detention remains the default for irregular entry; alternatives are pilots."),
        15: ("developing", "Invented example: emergency care is open to all; other services depend on the county."),
    },
    "Example Domestic Workers' Union (invented demo organisation)": {
        6: ("room_to_develop", "Invented example: recruitment fees are still charged to workers going to the Gulf."),
        7: ("developing", "Invented example: consular help improved, but labour attachés are few."),
        20: ("room_to_develop", "Invented example: sending money home still costs our members well above 3 per cent "
             "for small amounts; mobile money abroad works in few corridors."),
        22: ("room_to_develop", "Invented example: no social security agreement covers the main destination countries."),
        19: ("developing", "Invented example: diaspora bonds exist; workers abroad are rarely consulted."),
    },
}


def load_demo_scorecards() -> dict:
    """Add the two scorecards to the demo review (once), published."""
    review = Review.objects.filter(area__iso3=DEMO_AREA, is_demo=True).first()
    if review is None:
        return {"skipped": "no demo review"}
    if review.answer_sets.filter(kind=AnswerSet.Kind.SCORECARD).exists():
        return {"skipped": "already loaded"}
    created = 0
    with transaction.atomic():
        for name, answers in SCORECARDS.items():
            organization = Organization.objects.filter(name=name, is_demo=True).first()
            if organization is None:
                continue
            scorecard = scorecards.create_scorecard(
                None, review, organization_id=organization.pk, instrument_code=instruments.GCM_OBJECTIVES
            )
            for number, (rating, justification) in answers.items():
                key = f"objective-{number}"
                answer = scorecard.answers.get(question_key=key)
                scorecards.save_scorecard_answer(
                    None, scorecard, key, rating=rating, justification=justification, expected_version=answer.version
                )
            scorecard.refresh_from_db()
            scorecards.publish_scorecard(None, scorecard, scorecard.version)
            created += 1
    result = scorecards.build_comparison(None, review)["comparison"]
    return {"scorecards": created, "disagreements": result.disagreements}
