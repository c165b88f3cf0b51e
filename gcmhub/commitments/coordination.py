"""Coordination measures for one country's commitments: pure functions on plain rows.

A national coordination mechanism exists to "assign the roles of different
players, avoid overlaps, parallel action and duplications". This module
computes what a coordinator needs for that, from plain dataclasses that
``coordination_data`` loads (already filtered by what the reader may see),
so every measure can be tested without a database and explained in a line:

* ``who_does_what`` — organisations × objectives (or × actions) with the
  number of commitments each organisation owns or is a partner of, and
  their status mix;
* ``find_gaps`` — objectives and actions nobody committed to; commitments
  without a lead, overdue, stale or inactive, unfunded; objectives whose
  linked indicators go the wrong way or too slowly (the progress app's
  stored assessments) while no open commitment addresses them;
* ``find_overlaps`` — likely duplicates between organisations: the same
  objective or action and similar wording, with the score and the shared
  words that explain it;
* ``find_matches`` — requests for support × offers that fit by objective,
  form of support and place, ranked by points, each point with its reason;
* ``stakeholder_map`` — organisations by type and by the objectives they
  engage in.

docs/commitments.md ("Coordination") describes each measure and its limits.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from gcmhub.geo.names import fold

# Commitment kinds and statuses, as stored (gcmhub.commitments.models).
REQUEST = "request"
RED_LINE = "red_line"
OFFER_KINDS = ("pledge", "joint_pledge", "matching_pledge")
STATUSES = ("planned", "in_progress", "delayed", "achieved", "discontinued")
CLOSED = ("achieved", "discontinued")
OWNER = "owner"  # the owner's role in the matrix (partners keep theirs)

# Flags computed by gcmhub.commitments.flags.
OVERDUE, STALE, INACTIVE = "overdue", "stale", "inactive"

# Gap kinds.
OBJECTIVE_UNCOVERED = "objective_without_commitment"
ACTION_UNCOVERED = "action_without_commitment"
OBJECTIVE_OFF_TRACK = "objective_off_track_without_commitment"
NO_LEAD = "without_lead"
UNFUNDED = "unfunded"
GAP_KINDS = (OBJECTIVE_OFF_TRACK, OBJECTIVE_UNCOVERED, ACTION_UNCOVERED, OVERDUE, INACTIVE, STALE, NO_LEAD, UNFUNDED)

# Overlaps: a pair is listed from this score (0–100) on, if it shares at
# least MIN_SHARED_TERMS distinctive words (or scores VERY_SIMILAR).
OVERLAP_THRESHOLD = 55.0
VERY_SIMILAR = 80.0
MIN_SHARED_TERMS = 2
# The score: 70 % the weighted word overlap of the whole texts, 30 % the
# rapidfuzz similarity of the titles.
TEXT_WEIGHT, TITLE_WEIGHT = 0.7, 0.3
SHARED_TERMS_SHOWN = 8
# When one text has this many times more words than the other, the titles
# alone are compared too (a one-line pledge against a page of description).
LONGER_TEXT_RATIO = 3

# Matching points (see docs/commitments.md ("Coordination")).
POINTS_PRIMARY_OBJECTIVE = 30
POINTS_OTHER_OBJECTIVE = 20
POINTS_EXTRA_OBJECTIVE = 5
POINTS_OBJECTIVES_MAX = 40
POINTS_ACTION = 10
POINTS_ACTIONS_MAX = 20
POINTS_SAME_FORM = 25
POINTS_FORM_UNSTATED = 10
POINTS_SAME_AREA = 25
POINTS_CONTAINING_AREA = 15
POINTS_SAME_REGION = 5
POINTS_DECLARED = 100  # a matching pledge that names the request: above any computed fit
POINTS_WORDING_MAX = 10
POINTS_SAME_OWNER = -30  # one organisation's request and offer: listed last
MATCHES_PER_SIDE = 5  # suggestions kept per request (and per offer)

# Function words of English, French and Spanish, and words every commitment
# uses; they carry no meaning for telling two commitments apart.
STOPWORDS = frozenset(
    """
    a about above across after against all also am among an and any are around as at be been before being
    below between both but by can could did do does doing done down during each either every few for from
    further had has have having he her here hers him his how i if in into is it its itself just may me might
    more most must my no nor not now of off on once only or other our ours out over own per same shall she
    should so some such than that the their theirs them then there these they this those through to too
    under until up upon us very via was we were what when where which while who whom whose why will with
    within without would yet you your
    au aux avec ce ces cet cette dans de des du elle elles en entre est et etre il ils la le les leur leurs
    lui mais meme nos notre nous on ou par pas plus pour qu que qui sa sans se ses son sont sur ta tes ton
    tous tout toute toutes un une vers vos votre vous afin ainsi aupres dont lors
    al como con cual cuales del desde donde el ella ellas ellos en entre es esta estas este esto estos hacia
    hasta las lo los mas mediante nos nuestra nuestras nuestro nuestros o para pero por que se ser sin
    sobre su sus tambien un una unas uno unos y ya
    commit commits committed commitment commitments pledge pledges pledged engagement engagements
    compromiso compromisos ensure ensures undertake undertakes will shall new
    provide provides support supports strengthen improve promote develop increase enhance national government
    country countries year years renforcer ameliorer promouvoir developper soutenir appui national nationale
    gouvernement pays annee annees fortalecer mejorar promover desarrollar apoyo apoyar nacional gobierno pais
    ano anos get gets getting give gives giving go goes going make makes making take takes taking help helps
    set put able way ways well one two three first second like many much
    """.split()
)
# Endings removed so that "workers"/"worker", "trafficking"/"traffic" and
# "migrantes"/"migrants", "protection"/"protecting" meet; longest first, and a stem keeps 4+ letters.
SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ies", "ers", "er", "ed", "es", "s", "e")
MIN_STEM = 4


# --- the rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationRow:
    id: int
    name: str
    kind: str
    acronym: str = ""


@dataclass(frozen=True)
class PlaceRow:
    """An area and the areas containing it (regions, the world)."""

    id: int
    code: str  # ISO3, or M49 for areas without one
    name: str
    containers: frozenset[int] = frozenset()
    world_id: int | None = None

    def regions(self) -> frozenset[int]:
        return self.containers - {self.world_id}


@dataclass(frozen=True)
class CommitmentRow:
    id: int
    title: str
    kind: str
    status: str
    owner_id: int
    area_id: int
    description: str = ""
    completion: str = "not_started"
    partners: tuple[tuple[int, str], ...] = ()  # (organisation id, role)
    objectives: tuple[int, ...] = ()  # numbers, primary first
    actions: tuple[str, ...] = ()  # codes such as "5b"
    form_of_support: str = ""
    funding_state: str = ""
    flags: tuple[str, ...] = ()
    has_lead: bool = True
    matches_id: int | None = None
    review_state: str = "published"
    is_demo: bool = False

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    @property
    def organizations(self) -> dict[int, str]:
        """{organisation id: role}: the owner, then each partner with its role."""
        roles = {self.owner_id: OWNER}
        for organization_id, role in self.partners:
            roles.setdefault(organization_id, role)
        return roles


@dataclass(frozen=True)
class ObjectiveRow:
    number: int
    title: str


@dataclass(frozen=True)
class ActionRow:
    code: str
    objective: int
    title: str


@dataclass(frozen=True)
class IndicatorConcern:
    """A stored progress result that goes the wrong way or too slowly for the
    country (``progress.scorecards.not_doing_well``), with the objectives its
    series informs."""

    series_code: str
    status: str  # deterioration, limited_progress, off_track, overdue
    objectives: tuple[int, ...]
    indicator_code: str = ""
    dimension_key: str = ""


@dataclass(frozen=True)
class MatchRecord:
    """A stored ``SupportMatch``."""

    id: int
    request_id: int
    offer_id: int
    state: str  # proposed, confirmed, declined
    version: int
    request_confirmed: bool = False
    offer_confirmed: bool = False


@dataclass(frozen=True)
class OverlapDecisionRow:
    first_id: int
    second_id: int
    decision: str  # linked, distinct
    note: str = ""


# --- who does what ---------------------------------------------------------------------------


@dataclass
class MatrixCell:
    key: int | str  # objective number or action code
    count: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    commitment_ids: list[int] = field(default_factory=list)


@dataclass
class MatrixRow:
    organization: OrganizationRow
    total: int
    statuses: dict[str, int]
    flags: dict[str, int]
    cells: list[MatrixCell]
    roles: dict[str, int]


@dataclass
class Matrix:
    by: str  # "objective" or "action"
    columns: list[int | str]
    rows: list[MatrixRow]
    column_totals: dict[int | str, int]
    max_count: int


def _status_mix(commitments: Iterable[CommitmentRow]) -> dict[str, int]:
    counts = Counter(c.status for c in commitments)
    return {status: counts[status] for status in STATUSES if counts[status]}


def who_does_what(
    commitments: Sequence[CommitmentRow],
    organizations: dict[int, OrganizationRow],
    *,
    by: str = "objective",
    columns: Sequence[int | str] = (),
) -> Matrix:
    """Organisations × objectives (``by="objective"``) or × actions
    (``by="action"``): each cell counts the commitments the organisation owns
    or is a partner of that serve the objective or action.

    ``columns``: the objectives (or actions) to show even where nobody
    engages, so that empty columns are seen; others found are appended.
    """
    if by not in ("objective", "action"):
        raise ValueError(f"unknown matrix axis {by!r}")
    keys_of = (lambda c: c.objectives) if by == "objective" else (lambda c: c.actions)
    per_org: dict[int, list[CommitmentRow]] = defaultdict(list)
    roles: dict[int, Counter] = defaultdict(Counter)
    for commitment in commitments:
        for organization_id, role in commitment.organizations.items():
            per_org[organization_id].append(commitment)
            roles[organization_id][role] += 1
    found = {key for c in commitments for key in keys_of(c)}
    ordered = list(dict.fromkeys(list(columns) + sorted(found - set(columns), key=_column_sort)))
    rows = []
    for organization_id, own in per_org.items():
        organization = organizations.get(organization_id) or OrganizationRow(organization_id, "", "")
        cells = []
        for key in ordered:
            serving = [c for c in own if key in keys_of(c)]
            cells.append(
                MatrixCell(key, len(serving), _status_mix(serving), sorted(c.id for c in serving))
            )
        flags = Counter(flag for c in own for flag in c.flags)
        rows.append(
            MatrixRow(organization, len(own), _status_mix(own), dict(flags), cells, dict(roles[organization_id]))
        )
    rows.sort(key=lambda row: (-row.total, fold(row.organization.name), row.organization.id))
    totals = {
        key: len({c.id for c in commitments if key in keys_of(c)}) for key in ordered
    }
    max_count = max((cell.count for row in rows for cell in row.cells), default=0)
    return Matrix(by, ordered, rows, totals, max_count)


def _column_sort(key: int | str) -> tuple:
    """Objectives by number; actions "5b" by objective number, then letter."""
    if isinstance(key, int):
        return (key, "")
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits) if digits else 0, key)


def heat_level(count: int, max_count: int, levels: int = 4) -> int:
    """0 for an empty cell, else 1..levels in proportion to the largest cell."""
    if count <= 0 or max_count <= 0:
        return 0
    return max(1, math.ceil(levels * count / max_count))


# --- gaps ------------------------------------------------------------------------------------


@dataclass
class Gap:
    kind: str
    objective: int | None = None
    action: str | None = None
    commitment_id: int | None = None
    concerns: list[IndicatorConcern] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)  # open requests on an uncovered objective


def addresses(commitment: CommitmentRow) -> bool:
    """Does the commitment count as someone acting on its objectives? A
    request seeks support (it is a need, not an action) and a discontinued
    commitment was given up."""
    return commitment.kind != REQUEST and commitment.status != "discontinued"


def find_gaps(
    commitments: Sequence[CommitmentRow],
    objectives: Sequence[ObjectiveRow],
    actions: Sequence[ActionRow] = (),
    concerns: Sequence[IndicatorConcern] = (),
) -> list[Gap]:
    """Every gap, most pressing kind first (``GAP_KINDS`` order)."""
    gaps: list[Gap] = []
    acting = [c for c in commitments if addresses(c)]
    covered = {number for c in acting for number in c.objectives}
    open_covered = {number for c in acting if c.is_open for number in c.objectives}
    covered_actions = {code for c in acting for code in c.actions}
    requests_on: dict[int, list[int]] = defaultdict(list)
    for c in commitments:
        if c.kind == REQUEST and c.is_open:
            for number in c.objectives:
                requests_on[number].append(c.id)
    concerns_on: dict[int, list[IndicatorConcern]] = defaultdict(list)
    for concern in concerns:
        for number in concern.objectives:
            concerns_on[number].append(concern)
    for objective in objectives:
        if concerns_on.get(objective.number) and objective.number not in open_covered:
            gaps.append(
                Gap(OBJECTIVE_OFF_TRACK, objective=objective.number, concerns=concerns_on[objective.number],
                    requests=sorted(requests_on.get(objective.number, ())))
            )  # fmt: skip
    for objective in objectives:
        if objective.number not in covered:
            gaps.append(
                Gap(OBJECTIVE_UNCOVERED, objective=objective.number,
                    requests=sorted(requests_on.get(objective.number, ())))  # fmt: skip
            )
    for action in actions:
        # An action of an objective nobody covers is already said by the objective's gap.
        if action.code not in covered_actions and action.objective in covered:
            gaps.append(Gap(ACTION_UNCOVERED, objective=action.objective, action=action.code))
    for flag in (OVERDUE, INACTIVE, STALE):
        for c in commitments:
            if flag in c.flags:
                gaps.append(Gap(flag, objective=_primary(c), commitment_id=c.id))
    for c in commitments:
        if c.is_open and not c.has_lead:
            gaps.append(Gap(NO_LEAD, objective=_primary(c), commitment_id=c.id))
    for c in commitments:
        if c.is_open and c.funding_state == "unfunded":
            gaps.append(Gap(UNFUNDED, objective=_primary(c), commitment_id=c.id))
    return gaps


def _primary(commitment: CommitmentRow) -> int | None:
    return commitment.objectives[0] if commitment.objectives else None


# --- text similarity -------------------------------------------------------------------------


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def terms(text: str) -> list[tuple[str, str]]:
    """(stem, word) for each distinctive word of ``text``: folded (lower
    case, no accents), without function words, numbers and 1–2 letter words."""
    found = []
    for word in fold(text or "").split():
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        found.append((stem(word), word))
    return found


@dataclass
class TextProfile:
    """A commitment's words, prepared once for every pair it is compared in."""

    title: str  # its distinctive title words, stemmed, in order
    counts: Counter  # stem -> occurrences (title words count twice)
    shown: dict[str, str]  # stem -> the first word it came from
    title_counts: Counter = field(default_factory=Counter)  # the title's stems alone


def text_profile(title: str, description: str = "") -> TextProfile:
    title_terms = terms(title)
    body_terms = terms(description)
    counts = Counter()
    shown: dict[str, str] = {}
    for stemmed, word in title_terms:
        counts[stemmed] += 2  # the title says what it is about
        shown.setdefault(stemmed, word)
    for stemmed, word in body_terms:
        counts[stemmed] += 1
        shown.setdefault(stemmed, word)
    return TextProfile(" ".join(s for s, _w in title_terms), counts, shown, Counter(s for s, _w in title_terms))


def word_weights(profiles: Iterable[TextProfile]) -> dict[str, float]:
    """Inverse document frequency: a word used by every commitment of the
    country weighs little, a word only two of them use weighs much."""
    profiles = list(profiles)
    in_how_many = Counter(stemmed for profile in profiles for stemmed in profile.counts)
    n = len(profiles)
    return {stemmed: math.log((1 + n) / (1 + df)) + 1 for stemmed, df in in_how_many.items()}


@dataclass(frozen=True)
class Similarity:
    score: float  # 0–100
    text_score: float  # weighted word overlap, 0–100
    title_score: float  # rapidfuzz token_sort_ratio of the titles' words, 0–100
    shared_terms: tuple[str, ...]  # most weighty first


def _cosine(a: Counter, b: Counter, weights: dict[str, float]) -> float:
    """Cosine similarity (0–100) of two bags of stems, each stem weighted."""
    wa = {s: n * weights.get(s, 1.0) for s, n in a.items()}
    wb = {s: n * weights.get(s, 1.0) for s, n in b.items()}
    norm = math.sqrt(sum(v * v for v in wa.values())) * math.sqrt(sum(v * v for v in wb.values()))
    return 100.0 * sum(wa[s] * wb[s] for s in wa.keys() & wb.keys()) / norm if norm else 0.0


def similarity(a: TextProfile, b: TextProfile, weights: dict[str, float]) -> Similarity:
    """How alike two commitments read, with the shared words that explain it."""
    # The whole texts, or the titles alone when one text is much longer than
    # the other (a one-line title against a page of description).
    text_score = _cosine(a.counts, b.counts, weights)
    longer, shorter = sorted((sum(a.counts.values()), sum(b.counts.values())), reverse=True)
    if longer > LONGER_TEXT_RATIO * shorter:
        text_score = max(text_score, _cosine(a.title_counts, b.title_counts, weights))
    shared = a.counts.keys() & b.counts.keys()
    title_score = float(fuzz.token_sort_ratio(a.title, b.title)) if a.title and b.title else 0.0
    score = TEXT_WEIGHT * text_score + TITLE_WEIGHT * title_score
    ranked = sorted(shared, key=lambda s: (-weights.get(s, 1.0), a.shown[s]))
    return Similarity(round(score, 1), round(text_score, 1), round(title_score, 1), tuple(a.shown[s] for s in ranked))


# --- overlaps --------------------------------------------------------------------------------


@dataclass
class Overlap:
    first_id: int  # the lower id
    second_id: int
    score: float
    text_score: float
    title_score: float
    shared_terms: list[str]
    shared_objectives: list[int]
    shared_actions: list[str]
    decision: str = ""  # "linked" once a coordinator linked them


def _comparable(a: CommitmentRow, b: CommitmentRow) -> bool:
    """Two commitments of different organisations that serve a common
    objective or action. A request and an offer answering it are a match,
    not a duplicate: requests are compared with requests only."""
    if a.owner_id == b.owner_id or (a.kind == REQUEST) != (b.kind == REQUEST):
        return False
    return bool(set(a.objectives) & set(b.objectives) or set(a.actions) & set(b.actions))


def find_overlaps(
    commitments: Sequence[CommitmentRow],
    decisions: Sequence[OverlapDecisionRow] = (),
    *,
    threshold: float = OVERLAP_THRESHOLD,
) -> list[Overlap]:
    """Likely duplicates, highest score first. A pair a coordinator marked
    ``distinct`` is not proposed again; a ``linked`` pair is always listed,
    marked as such."""
    decided = {(d.first_id, d.second_id): d.decision for d in decisions}
    live = [c for c in commitments if c.status != "discontinued" and c.kind != RED_LINE]
    profiles = {c.id: text_profile(c.title, c.description) for c in commitments}
    weights = word_weights(profiles[c.id] for c in commitments)
    by_id = {c.id: c for c in commitments}
    found: list[Overlap] = []
    seen: set[tuple[int, int]] = set()
    ordered = sorted(live, key=lambda c: c.id)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            pair = (a.id, b.id)
            decision = decided.get(pair, "")
            if decision == "distinct" or not _comparable(a, b):
                continue
            sim = similarity(profiles[a.id], profiles[b.id], weights)
            if decision == "linked" or _likely_duplicate(sim, threshold):
                found.append(_overlap(a, b, sim, decision))
                seen.add(pair)
    # Linked pairs stay listed even when one of them changed since.
    for (first, second), decision in decided.items():
        if decision == "linked" and (first, second) not in seen and first in by_id and second in by_id:
            a, b = by_id[first], by_id[second]
            found.append(_overlap(a, b, similarity(profiles[first], profiles[second], weights), decision))
    found.sort(key=lambda o: (o.decision == "linked", -o.score, o.first_id, o.second_id))
    return found


def _likely_duplicate(sim: Similarity, threshold: float) -> bool:
    if sim.score < threshold:
        return False
    return len(sim.shared_terms) >= MIN_SHARED_TERMS or sim.score >= VERY_SIMILAR


def _overlap(a: CommitmentRow, b: CommitmentRow, sim: Similarity, decision: str) -> Overlap:
    shared_objectives = [n for n in a.objectives if n in set(b.objectives)]
    shared_actions = sorted(set(a.actions) & set(b.actions), key=_column_sort)
    return Overlap(
        a.id, b.id, sim.score, sim.text_score, sim.title_score, list(sim.shared_terms[:SHARED_TERMS_SHOWN]),
        shared_objectives, shared_actions, decision,
    )  # fmt: skip


# --- matching requests and offers ------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    code: str  # primary_objective, objective, extra_objectives, action, same_form, form_unstated,
    # same_area, containing_area, same_region, declared, wording, same_owner
    points: int
    objectives: tuple[int, ...] = ()
    actions: tuple[str, ...] = ()
    form: str = ""
    place: str = ""  # the area's code (same_area, containing_area) or the shared region's
    terms: tuple[str, ...] = ()


@dataclass
class Match:
    request_id: int
    offer_id: int
    score: int
    reasons: list[Reason]
    state: str = "suggested"  # suggested (computed only), proposed, confirmed; declared (a matching
    # pledge naming a pledge, not a request)
    match_id: int | None = None
    version: int | None = None
    request_confirmed: bool = False
    offer_confirmed: bool = False


def is_offer(commitment: CommitmentRow) -> bool:
    return commitment.kind in OFFER_KINDS and commitment.is_open


def is_request(commitment: CommitmentRow) -> bool:
    return commitment.kind == REQUEST and commitment.is_open


def _objective_reasons(request: CommitmentRow, offer: CommitmentRow) -> list[Reason]:
    shared = [n for n in request.objectives if n in set(offer.objectives)]
    if not shared:
        return []
    if request.objectives and shared[0] == request.objectives[0]:
        first = Reason("primary_objective", POINTS_PRIMARY_OBJECTIVE, objectives=(shared[0],))
    else:
        first = Reason("objective", POINTS_OTHER_OBJECTIVE, objectives=(shared[0],))
    reasons = [first]
    extra = tuple(shared[1:])
    if extra:
        points = min(POINTS_EXTRA_OBJECTIVE * len(extra), POINTS_OBJECTIVES_MAX - first.points)
        reasons.append(Reason("extra_objectives", points, objectives=extra))
    return reasons


def _form_reason(request: CommitmentRow, offer: CommitmentRow) -> Reason | None:
    """Same form of support; or one side has not said (a weaker fit). Two
    different stated forms do not fit: money does not answer a request for
    training."""
    if request.form_of_support and offer.form_of_support:
        if request.form_of_support != offer.form_of_support:
            return None
        return Reason("same_form", POINTS_SAME_FORM, form=request.form_of_support)
    return Reason("form_unstated", POINTS_FORM_UNSTATED, form=request.form_of_support or offer.form_of_support)


def _place_reason(request: PlaceRow | None, offer: PlaceRow | None, places: dict[int, PlaceRow]) -> Reason | None:
    """Same area; or one area contains the other (a regional or global offer,
    a regional request); or both lie in a common region."""
    if request is None or offer is None:
        return None
    if request.id == offer.id:
        return Reason("same_area", POINTS_SAME_AREA, place=request.code)
    if offer.id in request.containers:
        return Reason("containing_area", POINTS_CONTAINING_AREA, place=offer.code)
    if request.id in offer.containers:
        return Reason("containing_area", POINTS_CONTAINING_AREA, place=request.code)
    common = request.regions() & offer.regions()
    if common:
        # The smallest common region: the one contained in the most others.
        smallest = max(common, key=lambda pk: len(places[pk].containers) if pk in places else 0)
        code = places[smallest].code if smallest in places else ""
        return Reason("same_region", POINTS_SAME_REGION, place=code)
    return None


def fit(
    request: CommitmentRow,
    offer: CommitmentRow,
    places: dict[int, PlaceRow],
    weights: dict[str, float] | None = None,
) -> Match | None:
    """The match of ``request`` and ``offer`` with its reasons, or None when
    they do not fit. Needed: a shared objective (or action), compatible forms of support
    and a common place — unless the offer is a matching pledge that names the
    request, which fits whatever else it says."""
    declared = offer.matches_id == request.id
    objective = _objective_reasons(request, offer)
    shared_actions = tuple(sorted(set(request.actions) & set(offer.actions), key=_column_sort))
    form = _form_reason(request, offer)
    place = _place_reason(places.get(request.area_id), places.get(offer.area_id), places)
    if not declared and not ((objective or shared_actions) and form and place):
        return None
    reasons = [Reason("declared", POINTS_DECLARED)] if declared else []
    reasons += objective
    if shared_actions:
        reasons.append(
            Reason("action", min(POINTS_ACTION * len(shared_actions), POINTS_ACTIONS_MAX), actions=shared_actions)
        )
    reasons += [r for r in (form, place) if r is not None]
    if request.owner_id == offer.owner_id:
        # Kept (it may be a unit answering its own ministry's request) but below any other fit.
        reasons.append(Reason("same_owner", POINTS_SAME_OWNER))
    if weights is not None:
        sim = similarity(
            text_profile(request.title, request.description), text_profile(offer.title, offer.description), weights
        )
        points = round(POINTS_WORDING_MAX * sim.text_score / 100)
        if points and sim.shared_terms:
            reasons.append(Reason("wording", points, terms=sim.shared_terms[:SHARED_TERMS_SHOWN]))
    return Match(request.id, offer.id, sum(r.points for r in reasons), reasons)


def find_matches(
    commitments: Sequence[CommitmentRow],
    places: dict[int, PlaceRow],
    records: Sequence[MatchRecord] = (),
    *,
    focus_area_id: int | None = None,
    per_side: int = MATCHES_PER_SIDE,
) -> list[Match]:
    """Requests × offers that fit, best first for each request.

    ``commitments`` may include requests and offers of other areas (the
    region, other countries) so that a country's requests meet offers made
    elsewhere; with ``focus_area_id``, only pairs with one side in that area
    are kept. Stored matches keep their state: a declined pair is never
    proposed again, a proposed or confirmed one is always listed (even if
    the two no longer fit, so that nothing confirmed disappears). Each
    request keeps its ``per_side`` best suggestions, and so does each offer.
    """
    by_id = {c.id: c for c in commitments}
    stored = {(r.request_id, r.offer_id): r for r in records}
    requests = [c for c in commitments if is_request(c)]
    offers = [c for c in commitments if is_offer(c)]
    weights = word_weights(text_profile(c.title, c.description) for c in commitments)
    suggested: list[Match] = []
    for request in requests:
        for offer in offers:
            if focus_area_id is not None and focus_area_id not in (request.area_id, offer.area_id):
                continue
            record = stored.get((request.id, offer.id))
            if record is not None:
                continue  # listed from the record below
            match = fit(request, offer, places, weights)
            if match is not None:
                suggested.append(match)
    kept = _best_per_side(suggested, per_side)
    kept += _declared_on_pledges(commitments, offers, focus_area_id, places, weights)
    for record in records:
        if record.state == "declined":
            continue
        request, offer = by_id.get(record.request_id), by_id.get(record.offer_id)
        if request is None or offer is None:
            continue  # one side is not visible to this reader
        if focus_area_id is not None and focus_area_id not in (request.area_id, offer.area_id):
            continue
        match = fit(request, offer, places, weights) or Match(request.id, offer.id, 0, [])
        match.state, match.match_id, match.version = record.state, record.id, record.version
        match.request_confirmed, match.offer_confirmed = record.request_confirmed, record.offer_confirmed
        kept.append(match)
    state_rank = {"confirmed": 0, "declared": 1, "proposed": 2, "suggested": 3}
    kept.sort(key=lambda m: (m.request_id, state_rank.get(m.state, 3), -m.score, m.offer_id))
    return kept


def _declared_on_pledges(commitments, offers, focus_area_id, places, weights) -> list[Match]:
    """A matching pledge may match another pledge rather than a request (a
    donor matching a host's pledge): that link is the offer's own
    declaration, listed as ``declared`` (there is no request to confirm)."""
    by_id = {c.id: c for c in commitments}
    found = []
    for offer in offers:
        target = by_id.get(offer.matches_id) if offer.matches_id else None
        if target is None or target.kind == REQUEST:
            continue
        if focus_area_id is not None and focus_area_id not in (target.area_id, offer.area_id):
            continue
        match = fit(target, offer, places, weights)
        match.state = "declared"
        found.append(match)
    return found


def _best_per_side(matches: list[Match], per_side: int) -> list[Match]:
    """Keep a match if it is among the ``per_side`` best of its request or of its offer."""
    ranked = sorted(matches, key=lambda m: (-m.score, m.request_id, m.offer_id))
    for_request: Counter = Counter()
    for_offer: Counter = Counter()
    kept = []
    for match in ranked:
        if for_request[match.request_id] < per_side or for_offer[match.offer_id] < per_side:
            kept.append(match)
        for_request[match.request_id] += 1
        for_offer[match.offer_id] += 1
    return kept


# --- stakeholder map -------------------------------------------------------------------------


@dataclass
class Stakeholder:
    organization: OrganizationRow
    objectives: list[int]
    commitments: int


@dataclass
class StakeholderGroup:
    kind: str
    stakeholders: list[Stakeholder]
    objectives: dict[int, int]  # objective -> organisations of this type engaged in it


def stakeholder_map(
    commitments: Sequence[CommitmentRow], organizations: dict[int, OrganizationRow]
) -> list[StakeholderGroup]:
    """Organisations by type (largest group first), each with the objectives
    it engages in as owner or partner."""
    engaged: dict[int, set[int]] = defaultdict(set)
    counts: Counter = Counter()
    for commitment in commitments:
        for organization_id in commitment.organizations:
            engaged[organization_id].update(commitment.objectives)
            counts[organization_id] += 1
    groups: dict[str, list[Stakeholder]] = defaultdict(list)
    for organization_id, objectives in engaged.items():
        organization = organizations.get(organization_id) or OrganizationRow(organization_id, "", "")
        groups[organization.kind].append(Stakeholder(organization, sorted(objectives), counts[organization_id]))
    result = []
    for kind, stakeholders in groups.items():
        stakeholders.sort(key=lambda s: (-s.commitments, fold(s.organization.name), s.organization.id))
        per_objective = Counter(n for s in stakeholders for n in s.objectives)
        result.append(StakeholderGroup(kind, stakeholders, dict(sorted(per_objective.items()))))
    result.sort(key=lambda g: (-len(g.stakeholders), g.kind))
    return result


# --- everything for one country --------------------------------------------------------------


@dataclass
class CoordinationInput:
    area: PlaceRow
    commitments: list[CommitmentRow]  # the area's, visible to the reader
    organizations: dict[int, OrganizationRow]
    objectives: list[ObjectiveRow]
    actions: list[ActionRow]
    places: dict[int, PlaceRow]
    concerns: list[IndicatorConcern] = field(default_factory=list)
    elsewhere: list[CommitmentRow] = field(default_factory=list)  # offers and requests of other areas
    match_records: list[MatchRecord] = field(default_factory=list)
    overlap_decisions: list[OverlapDecisionRow] = field(default_factory=list)
    today: date | None = None


@dataclass
class Coordination:
    matrix: Matrix
    gaps: list[Gap]
    overlaps: list[Overlap]
    matches: list[Match]
    stakeholders: list[StakeholderGroup]


def coordinate(data: CoordinationInput, *, by: str = "objective") -> Coordination:
    columns = [o.number for o in data.objectives] if by == "objective" else []
    return Coordination(
        matrix=who_does_what(data.commitments, data.organizations, by=by, columns=columns),
        gaps=find_gaps(data.commitments, data.objectives, data.actions, data.concerns),
        overlaps=find_overlaps(data.commitments, data.overlap_decisions),
        matches=find_matches(
            data.commitments + data.elsewhere, data.places, data.match_records, focus_area_id=data.area.id
        ),
        stakeholders=stakeholder_map(data.commitments, data.organizations),
    )
