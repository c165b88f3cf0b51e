"""Demo data: a protection service directory and referral pathways for
Kenya, invented.

``gcmhub demo`` calls ``load_demo_directory`` after the demo commitments.
Everything here is invented for trying GCM Hub out: every provider says so
in its name ("invented demo organisation"), every service and pathway
carries ``is_demo`` and every page shows "Demo data"; phone numbers use the
fictional-looking 0700 000 0xx range and e-mails example.org. Places are real
towns so that the map means something; nothing here says that a real
service exists there. The indicator data the gap matrix reads are the real
ones loaded by the indicators demo (SDG 10.7.3 and 16.2.2 for Kenya).

Planted (tests/protection/test_demo.py checks each one):

* stale services: two not verified for 8 and 10 months — the transit desk
  for stranded migrants makes "stranded migrant" a weak spot;
* a suspended service, hidden from the public and from the matrix;
* gaps: persons in need of international protection in transit (10.7.3
  records deaths and disappearances, no measure) and victims of trafficking
  at destination and on return (16.2.2 records detected victims, no
  measure there);
* the commitments demo tags its commitments with situations and stages
  (``gcmhub.commitments.demo.PROTECTION_TAGS``); the matrix reads them as
  measures beside the services;
* three referral pathways (unaccompanied child, survivor of violence,
  stranded migrant) with their cards.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

DEMO_AREA = "KEN"
SUFFIX = " (invented demo organisation)"

ORGANIZATIONS = {
    "children": ("Example Child Rights Network", "ECRN", "civil-society"),
    "women": ("Example Women's Refuge Trust", "EWRT", "civil-society"),
    "law": ("Example Refugee and Migrant Law Clinic", "ERMLC", "civil-society"),
    "health": ("Example Border Health Partnership", "EBHP", "civil-society"),
    "county": ("Example Lakeside County Social Services", "ELCSS", "local-government"),
    "relief": ("Example Migrant Relief Society", "EMRS", "civil-society"),
}

# key: name, provider, type, situations, languages, hours, referral, (place, address, county, lat, lon), months since verified
SERVICES = [
    ("helpline", "Child protection helpline (demo)", "children", "emergency_hotline",
     ["unaccompanied_child"], ["en", "sw", "so"], "24 hours, every day", ["phone"],
     [("Helpline office", "Upper Hill, Nairobi", "Nairobi County", -1.2995, 36.8148)], 1),
    ("child_shelter", "Interim care home for separated children (demo)", "children", "child_protection",
     ["unaccompanied_child"], ["en", "sw"], "24 hours; admissions by referral", ["phone", "form"],
     [("Care home", "Kasarani, Nairobi", "Nairobi County", -1.2210, 36.8980)], 2),
    ("family_tracing", "Family tracing and reunification desk (demo)", "relief", "family_tracing",
     ["unaccompanied_child"], ["en", "sw", "am", "so"], "Monday to Friday 8:00-17:00",
     ["walk_in", "phone"], [("Desk", "Moi Avenue, Mombasa", "Mombasa County", -4.0620, 39.6680)], 3),
    ("women_refuge", "Safe house for women survivors of violence (demo)", "women", "shelter",
     ["survivor_of_violence", "pregnant_woman"], ["en", "sw"], "24 hours", ["phone"],
     [("Safe house", "Address given on referral, Kisumu", "Kisumu County", -0.0917, 34.7680)], 1),
    ("counselling", "Psychosocial support for survivors (demo)", "women", "mhpss",
     ["survivor_of_violence", "sogiesc_at_risk"], ["en", "sw", "fr"], "Tuesday to Saturday 9:00-16:00",
     ["phone", "email"], [("Counselling centre", "Milimani, Kisumu", "Kisumu County", -0.1000, 34.7520)], 2),
    ("detention_law", "Legal aid for migrants in immigration detention (demo)", "law", "legal_aid",
     ["migrant_in_detention"], ["en", "sw", "fr", "ar"],
     "Monday to Friday 9:00-17:00", ["email", "form"],
     [("Law clinic", "Kilimani, Nairobi", "Nairobi County", -1.2900, 36.7850)], 4),
    ("worker_line", "Advice line for migrant workers (demo)", "law", "legal_aid",
     ["exploited_worker"], ["en", "sw", "ar"], "Monday to Saturday 8:00-20:00", ["phone"],
     [("Advice line", "Westlands, Nairobi", "Nairobi County", -1.2676, 36.8108)], 3),
    ("border_clinic", "Border health post (demo)", "health", "health_care",
     ["pregnant_woman", "person_with_disabilities", "older_migrant"], ["en", "sw", "lg"],
     "Every day 7:00-19:00", ["walk_in"],
     [("Health post", "Border crossing, Busia", "Busia County", 0.4608, 34.1115),
      ("Health post", "Border crossing, Malaba", "Busia County", 0.6350, 34.2800)], 2),
    # Planted stale services (verified 10 and 8 months ago).
    ("transit_desk", "Assistance desk for stranded migrants (demo)", "relief", "reintegration_support",
     ["stranded_migrant"], ["en", "sw", "am", "om"], "Monday to Friday 8:00-16:00", ["walk_in"],
     [("Desk", "Bus station, Moyale", "Marsabit County", 3.5270, 39.0560)], 10),
    ("interpreters", "Community interpreters on call (demo)", "county", "interpretation",
     ["person_with_disabilities", "older_migrant", "migrant_in_detention"], ["en", "sw", "so", "ti", "am"],
     "On call, 8:00-18:00", ["phone", "email"],
     [("County office", "Lakeside county offices", "Kisumu County", -0.1022, 34.7617)], 8),
    # Planted suspended service: hidden from the public and from the gap matrix.
    ("suspended_shelter", "Night shelter, closed for repairs (demo)", "relief", "shelter",
     ["stranded_migrant"], ["en", "sw"], "Suspended", ["walk_in"],
     [("Night shelter", "Namanga town", "Kajiado County", -2.5450, 36.7900)], 1),
]  # fmt: skip

PATHWAYS = [
    ("unaccompanied_child", "Unaccompanied or separated child: who to call (demo)",
     "Stay with the child until the helpline or the care home takes over. Do not interview the child about what happened.",
     [("first_contact", "Call the child protection helpline; it alerts the county children's officer.", ["helpline"]),
      ("specialised", "Interim care and a best-interests assessment; tracing of the family if the child agrees.",
       ["child_shelter", "family_tracing"]),
      ("follow_up", "The children's officer reviews the placement within a week.", [])]),
    ("survivor_of_violence", "Survivor of violence: safe referral (demo)",
     "Ask only what is needed to refer. Offer a female worker where possible.",
     [("first_contact", "Call the safe house; it arranges transport to a safe place.", ["women_refuge"]),
      ("specialised", "Medical care within 72 hours and psychosocial support.", ["border_clinic", "counselling"]),
      ("follow_up", "The safe house checks in after two weeks.", [])]),
    ("stranded_migrant", "Stranded migrant: first help and onward options (demo)",
     "The transit desk has not been verified recently: call before sending someone.",
     [("first_contact", "Walk in or call the transit desk.", ["transit_desk"]),
      ("specialised", "Family tracing, and an interpreter where needed.", ["family_tracing", "interpreters"]),
      ("follow_up", "The desk follows up on voluntary return or onward travel.", [])]),
]  # fmt: skip

def _organization(key: str):
    from gcmhub.actors import services
    from gcmhub.actors.models import Organization

    name, acronym, kind = ORGANIZATIONS[key]
    full_name = name + SUFFIX
    organization = Organization.objects.filter(name=full_name, is_demo=True).first()
    if organization is None:
        organization = services.create_organization(None, {
            "name": full_name, "acronym": acronym, "kind": kind, "area": DEMO_AREA,
            "description": "An invented organisation for trying GCM Hub out. It does not exist.", "is_demo": True,
        })  # fmt: skip
    if not organization.is_published:
        services.publish_organization(None, organization, True, organization.version)
    return organization


def _months_ago(today: datetime.date, months: int) -> datetime.date:
    return today - datetime.timedelta(days=round(months * 30.5))


def load_demo_directory(today: datetime.date | None = None) -> dict:
    """Create the demo directory and pathways; returns counts. Does nothing
    when they are already there (``{"skipped": True}``)."""
    from gcmhub import dataversion
    from gcmhub.commitments.models import Commitment
    from gcmhub.geo.models import Area
    from gcmhub.protection import services
    from gcmhub.protection.inputs import ServiceInput
    from gcmhub.protection.models import Service, Situation

    area = Area.objects.get(iso3=DEMO_AREA)
    if Service.objects.filter(area=area, is_demo=True).exists():
        return {"skipped": True}
    today = today or timezone.localdate()
    situations = {s.code: s for s in Situation.objects.all()}
    created = {}
    with transaction.atomic():
        organizations = {key: _organization(key) for key in ORGANIZATIONS}
        for number, (key, name, org, kind, codes, languages, hours, referral, places, months) in enumerate(
            SERVICES, start=1
        ):
            data = ServiceInput(
                provider=organizations[org],
                area=area,
                name=name,
                service_type=kind,
                description="An invented service for trying GCM Hub out. It does not exist.",
                situations=[situations[code] for code in codes],
                eligibility="Anyone referred in the situations listed, whatever their migration status.",
                cost="Free of charge",
                languages=languages,
                hours=hours,
                referral_methods=referral,
                phone=f"+254 700 000 {number:03d}",
                email=f"{key.replace('_', '-')}@example.org",
                state=Service.State.SUSPENDED if key == "suspended_shelter" else Service.State.ACTIVE,
                is_demo=True,
                locations=[
                    {"name": place, "address": address, "admin_area": county, "latitude": lat, "longitude": lon}
                    for place, address, county, lat, lon in places
                ],
            )
            service = services.create_service(None, data)
            services.publish_service(None, service, service.version)
            service.refresh_from_db()
            services.verify_service(None, service, service.version, on=_months_ago(today, months))
            created[key] = service
        # Backdate creation too, so a service verified long ago is not "fresh" by its creation date.
        for key, service in created.items():
            months = next(row[-1] for row in SERVICES if row[0] == key)
            moment = timezone.make_aware(datetime.datetime.combine(_months_ago(today, months), datetime.time(9)))
            Service.objects.filter(pk=service.pk).update(created_at=moment)
        pathways = []
        for code, title, notes, steps in PATHWAYS:
            pathways.append(
                services.save_pathway(
                    None, None, area=area, situation=situations[code], title=title, notes=notes,
                    steps=[{"kind": kind, "description": text, "services": [created[k] for k in keys]}
                           for kind, text, keys in steps],
                    is_demo=True,
                )  # fmt: skip
            )
    dataversion.bump()
    return {
        "skipped": False,
        "organizations": len(ORGANIZATIONS),
        "services": len(created),
        "pathways": len(pathways),
        # Tagged by the commitments demo (PROTECTION_TAGS), counted here for the report.
        "commitments_tagged": Commitment.objects.filter(area=area, is_demo=True, situations__isnull=False)
        .distinct()
        .count(),
    }
