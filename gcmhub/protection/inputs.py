"""What a writer gives to create or change a service, already resolved.

The API, the web forms and the HSDS importer turn what they received into a
``ServiceInput`` (references resolved through the writer's read rules) and
hand it to ``services.create_service`` / ``update_service``, which validate
it whole. Field names follow the issue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from gcmhub.actors.models import Organization
from gcmhub.errors import InvalidInput
from gcmhub.geo.models import Area

from .models import ReferralMethod, Service, ServiceLocation, Situation
from .taxonomy import load_taxonomy

# ISO 639-1 two-letter language codes.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el
    en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu
    ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na
    nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so
    sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh
    zu""".split()
)
MAX_LOCATIONS = 50
MAX_LIST = 30
LOCATION_FIELDS = ("name", "address", "admin_area", "latitude", "longitude")


@dataclass
class ServiceInput:
    provider: Organization | None
    area: Area | None
    name: str
    service_type: str
    description: str = ""
    situations: list[Situation] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    eligibility: str = ""
    cost: str = ""
    languages: list[str] = field(default_factory=list)
    accessibility: str = ""
    hours: str = ""
    referral_methods: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    url: str = ""
    state: str = Service.State.ACTIVE
    is_demo: bool = False
    # dict(name, address, admin_area, latitude, longitude)
    locations: list[dict] = field(default_factory=list)

    @classmethod
    def from_service(cls, service: Service) -> ServiceInput:
        """The input that would recreate ``service`` as stored."""
        return cls(
            provider=service.provider,
            area=service.area,
            name=service.name,
            service_type=service.service_type,
            description=service.description,
            situations=list(service.situations.all()),
            stages=list(service.stages or []),
            groups=list(service.groups or []),
            eligibility=service.eligibility,
            cost=service.cost,
            languages=list(service.languages or []),
            accessibility=service.accessibility,
            hours=service.hours,
            referral_methods=list(service.referral_methods or []),
            phone=service.phone,
            email=service.email,
            url=service.url,
            state=service.state,
            is_demo=service.is_demo,
            locations=[location_dict(location) for location in service.locations.all()],
        )


# Fields a writer may leave empty by sending null (lists become empty, texts blank).
LIST_FIELDS = ("situations", "stages", "groups", "languages", "referral_methods", "locations")
BLANK_FIELDS = ("description", "eligibility", "cost", "accessibility", "hours", "phone", "email", "url")


def from_fields(actor, base: ServiceInput, given: dict) -> ServiceInput:
    """``base`` with the fields in ``given`` replaced: plain values as the API
    and the web form send them (``area`` an ISO3 code, ``provider`` an
    organisation id, ``situations`` codes, ``locations`` dicts), references
    resolved through ``actor``'s read rules. Checked whole by ``services``."""
    resolvers = {
        "area": resolve_area,
        "provider": lambda value: resolve_organization(actor, value, "provider"),
        "situations": resolve_situations,
        "locations": lambda rows: [dict(row) for row in rows],
    }
    for name, value in given.items():
        if name in resolvers and value is not None:
            value = resolvers[name](value)
        elif value is None and name in LIST_FIELDS:
            value = []
        elif value is None and name in BLANK_FIELDS:
            value = ""
        elif value is None:
            raise _invalid(name, _("“%(field)s” cannot be null.") % {"field": name})
        setattr(base, name, value)
    return base


def location_dict(location: ServiceLocation) -> dict:
    return {name: getattr(location, name) for name in LOCATION_FIELDS}


# --- turning what a writer typed into what an input names -------------------------------


def _invalid(field_name: str, message: str):
    from .services import InvalidService

    return InvalidService(message, field=field_name)


def resolve_area(code: str, field_name: str = "area") -> Area:
    """A country by ISO3 code (or M49 code)."""
    value = (code or "").strip().upper()
    area = None
    if value:
        countries = Area.objects.filter(kind=Area.Kind.COUNTRY)
        area = countries.filter(iso3=value).first() or (countries.filter(m49=value).first() if value.isdigit() else None)
    if area is None:
        raise _invalid(field_name, _("There is no country with the ISO 3166 alpha-3 code “%(code)s”.") % {"code": code})
    return area


def resolve_organization(actor, organization_id, field_name: str = "provider") -> Organization:
    """An organisation through the writer's read rules (unknown and unreadable look alike)."""
    from gcmhub import references

    try:
        return references.resolve(
            actor, Organization, organization_id, field=field_name,
            message=_("There is no organisation with the id “%(id)s”."),
        )  # fmt: skip
    except InvalidInput as error:
        raise _invalid(field_name, error.message) from None


def resolve_situations(codes, field_name: str = "situations") -> list[Situation]:
    codes = [str(code).strip() for code in codes]
    found = {s.code: s for s in Situation.objects.filter(code__in=codes, is_current=True)}
    for code in codes:
        if code not in found:
            raise _invalid(
                field_name,
                _("Unknown situation “%(code)s”. Situations: %(codes)s.")
                % {"code": code, "codes": ", ".join(load_taxonomy().situation_codes)},
            )
    if len(set(codes)) != len(codes):
        raise _invalid(field_name, _("A situation is listed twice."))
    return [found[code] for code in codes]


def check_visible(text: str, field_name: str) -> str:
    """``text`` stripped, if it shows at least one character: a name made only
    of spaces, control, format or bidi marks (U+200B, U+202E …) reads as empty."""
    import unicodedata

    text = (text or "").strip()
    if not any(unicodedata.category(char)[0] not in "ZC" for char in text):
        raise _invalid(field_name, _("Give a name with visible characters."))
    return text


def check_service_type(code: str, field_name: str = "service_type") -> str:
    codes = load_taxonomy().service_type_codes
    if code not in codes:
        raise _invalid(
            field_name,
            _("Unknown type of service “%(code)s”. Types: %(codes)s.") % {"code": code, "codes": ", ".join(codes)},
        )
    return code


def check_languages(codes, field_name: str = "languages") -> list[str]:
    result = []
    for code in codes:
        value = str(code).strip().lower()
        if value not in ISO_639_1:
            raise _invalid(
                field_name, _("“%(code)s” is not an ISO 639-1 language code (two letters, such as en).") % {"code": code}
            )
        if value not in result:
            result.append(value)
    if len(result) > MAX_LIST:
        raise _invalid(field_name, _("List at most %(count)d languages.") % {"count": MAX_LIST})
    return result


def check_stages(codes, field_name: str = "stages") -> list[str]:
    """Stage codes in the taxonomy's order, each once."""
    from .taxonomy import STAGES

    for code in codes:
        if code not in STAGES:
            raise _invalid(
                field_name,
                _("Unknown migration stage “%(code)s”. Stages: %(codes)s.") % {"code": code, "codes": ", ".join(STAGES)},
            )
    if len(set(codes)) != len(codes):
        raise _invalid(field_name, _("A migration stage is listed twice."))
    return [stage for stage in STAGES if stage in codes]


def check_groups(codes, field_name: str = "groups") -> list[str]:
    from gcmhub.practices.taxonomy import POPULATION_GROUPS

    result = []
    for code in codes:
        if code not in POPULATION_GROUPS:
            raise _invalid(
                field_name,
                _("Unknown group “%(code)s”. Groups: %(codes)s.") % {"code": code, "codes": ", ".join(POPULATION_GROUPS)},
            )
        if code not in result:
            result.append(code)
    return result


def check_referral_methods(codes, field_name: str = "referral_methods") -> list[str]:
    result = []
    for code in codes:
        if code not in ReferralMethod.values:
            raise _invalid(
                field_name,
                _("Unknown way to refer “%(code)s”. Ways: %(codes)s.")
                % {"code": code, "codes": ", ".join(ReferralMethod.values)},
            )
        if code not in result:
            result.append(code)
    return result


def check_locations(rows, field_name: str = "locations") -> list[dict]:
    """Locations as dicts, each checked like the model checks it; the message names the row."""
    from django.core.exceptions import ValidationError

    if len(rows) > MAX_LOCATIONS:
        raise _invalid(field_name, _("List at most %(count)d locations.") % {"count": MAX_LOCATIONS})
    result = []
    for index, row in enumerate(rows, start=1):
        clean = {
            "name": (row.get("name") or "").strip(),
            "address": (row.get("address") or "").strip(),
            "admin_area": (row.get("admin_area") or "").strip(),
            "latitude": row.get("latitude"),
            "longitude": row.get("longitude"),
        }
        for coordinate in ("latitude", "longitude"):
            value = clean[coordinate]
            if value is not None:
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    value = math.nan
                if not math.isfinite(value):
                    raise _invalid(field_name, _("Location %(n)d: %(field)s must be a number.")
                                   % {"n": index, "field": coordinate})  # fmt: skip
                clean[coordinate] = value
        if (clean["latitude"] is None) != (clean["longitude"] is None):
            raise _invalid(field_name, _("Location %(n)d: give both latitude and longitude, or neither.") % {"n": index})
        if not any(clean[name] not in (None, "") for name in LOCATION_FIELDS):
            raise _invalid(field_name, _("Location %(n)d is empty.") % {"n": index})
        try:
            ServiceLocation(**clean).full_clean(exclude=["service"])
        except ValidationError as error:
            name, problems = next(iter(error.error_dict.items()))
            raise _invalid(field_name, _("Location %(n)d: %(field)s: %(problem)s")
                           % {"n": index, "field": name, "problem": " ".join(ValidationError(problems).messages)}
                           ) from None  # fmt: skip
        result.append(clean)
    return result
