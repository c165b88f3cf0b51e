"""The coordination measures on plain rows: no database."""

import pytest

from gcmhub.commitments import coordination as co

WORLD, AMERICAS, LATAM, CENTRAL, MEX, GTM, KEN, AFRICA = 1, 19, 419, 13, 484, 320, 404, 2
PLACES = {
    WORLD: co.PlaceRow(WORLD, "001", "World", frozenset(), WORLD),
    AMERICAS: co.PlaceRow(AMERICAS, "019", "Americas", frozenset({WORLD}), WORLD),
    LATAM: co.PlaceRow(LATAM, "419", "Latin America", frozenset({WORLD, AMERICAS}), WORLD),
    CENTRAL: co.PlaceRow(CENTRAL, "013", "Central America", frozenset({WORLD, AMERICAS, LATAM}), WORLD),
    MEX: co.PlaceRow(MEX, "MEX", "Mexico", frozenset({WORLD, AMERICAS, LATAM, CENTRAL}), WORLD),
    GTM: co.PlaceRow(GTM, "GTM", "Guatemala", frozenset({WORLD, AMERICAS, LATAM, CENTRAL}), WORLD),
    AFRICA: co.PlaceRow(AFRICA, "002", "Africa", frozenset({WORLD}), WORLD),
    KEN: co.PlaceRow(KEN, "KEN", "Kenya", frozenset({WORLD, AFRICA}), WORLD),
}
ORGS = {
    1: co.OrganizationRow(1, "Ministry of Labour", "ministry-agency"),
    2: co.OrganizationRow(2, "Migrant Rights Network", "civil-society"),
    3: co.OrganizationRow(3, "Donor Agency", "international-organization"),
    4: co.OrganizationRow(4, "City of Example", "local-government"),
}
OBJECTIVES = [co.ObjectiveRow(n, f"Objective {n}") for n in range(1, 24)]
ACTIONS = [co.ActionRow(f"{n}{letter}", n, "") for n in range(1, 24) for letter in "abc"]


def row(pk, title, *, owner=1, kind="national_action", status="in_progress", area=MEX, **fields):
    fields.setdefault("objectives", (6,))
    return co.CommitmentRow(id=pk, title=title, kind=kind, status=status, owner_id=owner, area_id=area, **fields)


# --- who does what -------------------------------------------------------------------------


def test_matrix_counts_owner_and_partners_with_status_mix():
    rows = [
        row(1, "A", owner=1, objectives=(6, 7), partners=((2, "support"),)),
        row(2, "B", owner=1, objectives=(7,), status="delayed", flags=("overdue",)),
        row(3, "C", owner=2, objectives=(7,), partners=((1, "lead"),), status="achieved"),
    ]
    matrix = co.who_does_what(rows, ORGS, columns=[n.number for n in OBJECTIVES])
    assert matrix.columns[:3] == [1, 2, 3] and len(matrix.columns) == 23
    ministry = next(r for r in matrix.rows if r.organization.id == 1)
    assert ministry.total == 3
    assert ministry.roles == {"owner": 2, "lead": 1}
    assert ministry.flags == {"overdue": 1}
    cell7 = ministry.cells[6]
    assert (cell7.key, cell7.count, cell7.commitment_ids) == (7, 3, [1, 2, 3])
    assert cell7.statuses == {"in_progress": 1, "delayed": 1, "achieved": 1}
    network = next(r for r in matrix.rows if r.organization.id == 2)
    assert network.cells[5].count == 1 and network.total == 2
    assert matrix.column_totals[7] == 3 and matrix.column_totals[1] == 0
    assert matrix.rows[0].organization.id == 1  # most engaged first
    assert matrix.max_count == 3


def test_matrix_by_action():
    rows = [row(1, "A", actions=("6a", "6b")), row(2, "B", owner=2, actions=("6b", "10a"))]
    matrix = co.who_does_what(rows, ORGS, by="action")
    assert matrix.columns == ["6a", "6b", "10a"]
    assert matrix.column_totals == {"6a": 1, "6b": 2, "10a": 1}
    with pytest.raises(ValueError):
        co.who_does_what(rows, ORGS, by="principle")


def test_heat_levels():
    assert co.heat_level(0, 5) == 0
    assert co.heat_level(1, 8) == 1
    assert co.heat_level(8, 8) == 4
    assert co.heat_level(3, 0) == 0


# --- gaps ----------------------------------------------------------------------------------


def kinds(gaps, kind):
    return [g for g in gaps if g.kind == kind]


def test_objectives_and_actions_without_commitment():
    rows = [
        row(1, "A", objectives=(6,), actions=("6a",)),
        row(2, "Help wanted", kind="request", objectives=(5,)),
        row(3, "Given up", objectives=(9,), status="discontinued"),
    ]
    gaps = co.find_gaps(rows, OBJECTIVES, ACTIONS)
    uncovered = {g.objective for g in kinds(gaps, co.OBJECTIVE_UNCOVERED)}
    assert 6 not in uncovered
    assert {5, 9} <= uncovered  # a request is a need; a discontinued commitment does not count
    assert len(uncovered) == 22
    assert next(g for g in gaps if g.objective == 5 and g.kind == co.OBJECTIVE_UNCOVERED).requests == [2]
    # Actions are listed for covered objectives only (the objective gap says the rest).
    assert {g.action for g in kinds(gaps, co.ACTION_UNCOVERED)} == {"6b", "6c"}


def test_commitment_gaps_without_lead_overdue_stale_unfunded():
    rows = [
        row(1, "No lead", has_lead=False),
        row(2, "Late", flags=("overdue", "stale")),
        row(3, "Forgotten", flags=("inactive",)),
        row(4, "No money", funding_state="unfunded", objectives=(7, 6)),
        row(5, "Done, no lead, unfunded", status="achieved", has_lead=False, funding_state="unfunded"),
    ]
    gaps = co.find_gaps(rows, OBJECTIVES)
    assert [g.commitment_id for g in kinds(gaps, co.NO_LEAD)] == [1]
    assert [g.commitment_id for g in kinds(gaps, co.OVERDUE)] == [2]
    assert [g.commitment_id for g in kinds(gaps, co.STALE)] == [2]
    assert [g.commitment_id for g in kinds(gaps, co.INACTIVE)] == [3]
    unfunded = kinds(gaps, co.UNFUNDED)
    assert [(g.commitment_id, g.objective) for g in unfunded] == [(4, 7)]


def test_objectives_off_track_without_open_commitment():
    concerns = [
        co.IndicatorConcern("SL_EMP_FTLINJUR", "deterioration", (6, 10)),
        co.IndicatorConcern("SI_REMIT", "off_track", (20,)),
        co.IndicatorConcern("SM_DTH_MIGR", "limited_progress", (8,)),
    ]
    rows = [
        row(1, "Working on 6", objectives=(6,)),
        row(2, "Done on 20", objectives=(20,), status="achieved"),
        row(3, "Asking for help on 8", kind="request", objectives=(8,)),
    ]
    gaps = kinds(co.find_gaps(rows, OBJECTIVES, concerns=concerns), co.OBJECTIVE_OFF_TRACK)
    assert [g.objective for g in gaps] == [8, 10, 20]
    assert gaps[0].requests == [3]
    assert [c.series_code for c in gaps[1].concerns] == ["SL_EMP_FTLINJUR"]
    # Gaps come most pressing first.
    all_gaps = co.find_gaps(rows, OBJECTIVES, concerns=concerns)
    assert all_gaps[0].kind == co.OBJECTIVE_OFF_TRACK


# --- overlaps ------------------------------------------------------------------------------

DUPLICATES = [
    (("Ban recruitment fees for migrant workers",
      "We will prohibit charging recruitment fees to migrant workers and enforce the ban through labour inspections."),
     ("Prohibition of recruitment fees charged to migrant workers",
      "Advocate for and help enforce a prohibition of recruitment fees for migrant workers, with labour inspectorates.")),
    (("Train border officials on child rights", ""),
     ("Training of border officials on the rights of children", "Two-day courses for border police.")),
    (("Reduce remittance transfer costs", "Work with banks and mobile operators to lower the cost of remittances."),
     ("Lower the cost of remittances", "Partner with mobile money operators to reduce remittance fees.")),
    (("Renforcer la lutte contre la traite des personnes", "Former les inspecteurs du travail à identifier les victimes."),
     ("Lutte contre la traite des personnes", "Formation des inspecteurs du travail pour identifier les victimes.")),
    (("Acceso a servicios de salud para migrantes", "Garantizar la atención primaria de salud a personas migrantes."),
     ("Servicios de salud para personas migrantes", "Atención primaria de salud gratuita para migrantes.")),
]  # fmt: skip
DISTINCT = [
    (("Ban recruitment fees for migrant workers", "Prohibit charging recruitment fees to migrant workers."),
     ("Skills recognition for returning migrant workers", "Recognise skills obtained abroad by returning workers.")),
    (("Train border officials on child rights", ""), ("Build a new border crossing", "Construct a facility at the border.")),
    (("Support for migrant workers", "Provide support to migrant workers in the country."),
     ("Support for migrant women", "Provide support to migrant women in the country.")),
    (("Access to basic services for migrants", "Ensure migrants can access basic services."),
     ("Access to justice for migrants", "Ensure migrants can access justice and legal aid.")),
]  # fmt: skip


def _pairs(pairs):
    rows, pk = [], 0
    for (title_a, text_a), (title_b, text_b) in pairs:
        rows.append(row(pk + 1, title_a, description=text_a, owner=1))
        rows.append(row(pk + 2, title_b, description=text_b, owner=2))
        pk += 2
    return rows


def test_duplicates_are_found_with_score_and_shared_terms():
    rows = _pairs(DUPLICATES) + _pairs(DISTINCT)
    rows = [co.CommitmentRow(**{**r.__dict__, "id": i + 1}) for i, r in enumerate(rows)]
    overlaps = co.find_overlaps(rows)
    found = {(o.first_id, o.second_id) for o in overlaps}
    expected = {(2 * i + 1, 2 * i + 2) for i in range(len(DUPLICATES))}
    assert expected <= found
    # No distinct pair (ids after the duplicates) is among those found in pairs.
    distinct_pairs = {(2 * i + 1, 2 * i + 2) for i in range(len(DUPLICATES), len(DUPLICATES) + len(DISTINCT))}
    assert not (found & distinct_pairs)
    fees = next(o for o in overlaps if (o.first_id, o.second_id) == (1, 2))
    assert fees.score >= co.OVERLAP_THRESHOLD
    assert {"recruitment", "fees"} <= set(fees.shared_terms)
    assert fees.shared_objectives == [6]


def test_overlaps_need_two_organisations_and_a_common_objective_or_action():
    same_owner = [row(1, "Ban recruitment fees", owner=1), row(2, "Ban recruitment fees", owner=1)]
    assert co.find_overlaps(same_owner) == []
    other_objective = [row(1, "Ban recruitment fees", objectives=(6,)), row(2, "Ban recruitment fees", owner=2, objectives=(10,))]
    assert co.find_overlaps(other_objective) == []
    by_action = [
        row(1, "Ban recruitment fees", objectives=(6,), actions=("6a",)),
        row(2, "Ban recruitment fees", owner=2, objectives=(10,), actions=("6a",)),
    ]
    [overlap] = co.find_overlaps(by_action)
    assert overlap.shared_actions == ["6a"] and overlap.score == 100.0
    request_and_offer = [row(1, "Recruitment fees", kind="request"), row(2, "Recruitment fees", owner=2, kind="pledge")]
    assert co.find_overlaps(request_and_offer) == []
    two_requests = [row(1, "Recruitment fees", kind="request"), row(2, "Recruitment fees", owner=2, kind="request")]
    assert len(co.find_overlaps(two_requests)) == 1


def test_a_short_title_meets_its_duplicate_with_a_long_description():
    long_text = (
        "The ministry will table a law that forbids employers and agencies from charging workers any fee or cost "
        "for their recruitment, set up a complaints line, publish a list of licensed agencies, and train labour "
        "inspectors to check contracts in the ten largest sectors, with yearly public reports."
    )
    rows = [row(1, "Ban recruitment fees"), row(2, "Ban recruitment fees for migrant workers", owner=2, description=long_text),
            row(3, "Migrant health", owner=3), row(4, "Migrant children education", owner=4,
            description="Schools enrol migrant children regardless of status, with language support and meals.")]  # fmt: skip
    assert [(o.first_id, o.second_id) for o in co.find_overlaps(rows)] == [(1, 2)]


def test_overlap_decisions():
    rows = [row(1, "Ban recruitment fees now", owner=1), row(2, "Ban recruitment fees", owner=2),
            row(3, "Something else entirely", owner=3)]  # fmt: skip
    assert co.find_overlaps(rows, [co.OverlapDecisionRow(1, 2, "distinct")]) == []
    linked = co.find_overlaps(rows, [co.OverlapDecisionRow(1, 3, "linked")])
    assert [(o.first_id, o.second_id, o.decision) for o in linked] == [(1, 2, ""), (1, 3, "linked")]


def test_similarity_is_symmetric_and_bounded():
    a = co.text_profile("Fair recruitment of migrant workers", "Ban recruitment fees.")
    b = co.text_profile("Recruitment fees banned", "For migrant workers, fair recruitment.")
    weights = co.word_weights([a, b])
    ab, ba = co.similarity(a, b, weights), co.similarity(b, a, weights)
    assert ab.score == ba.score
    assert 0 <= ab.score <= 100
    assert co.similarity(a, a, weights).score == 100.0
    empty = co.text_profile("", "")
    assert co.similarity(empty, a, weights).score == 0


def test_terms_fold_accents_and_drop_function_words():
    assert [word for _stem, word in co.terms("L'accès des migrantes à la santé")] == ["acces", "migrantes", "sante"]
    assert co.stem("workers") == co.stem("worker")
    assert co.stem("migrantes") == co.stem("migrants")


# --- matches -------------------------------------------------------------------------------


def test_request_matched_by_fitting_offers_ranked_with_reasons():
    request = row(1, "Technical help for labour inspections", kind="request", owner=1, objectives=(6, 7),
                  form_of_support="technical", actions=("6a",))  # fmt: skip
    best = row(2, "Labour inspection training", kind="pledge", owner=3, objectives=(6,), form_of_support="technical",
               actions=("6a",))  # fmt: skip
    regional = row(3, "Regional technical facility", kind="pledge", owner=3, objectives=(6,),
                   form_of_support="technical", area=LATAM)  # fmt: skip
    neighbour = row(4, "Guatemala technical pledge", kind="pledge", owner=4, objectives=(7,),
                    form_of_support="technical", area=GTM)  # fmt: skip
    wrong_form = row(5, "Money for inspections", kind="pledge", owner=3, objectives=(6,), form_of_support="financial")
    wrong_objective = row(6, "Technical help on remittances", kind="pledge", owner=3, objectives=(20,),
                          form_of_support="technical")  # fmt: skip
    far_away = row(7, "Kenya technical pledge", kind="pledge", owner=3, objectives=(6,), form_of_support="technical",
                   area=KEN)  # fmt: skip
    closed = row(8, "Finished pledge", kind="pledge", owner=3, objectives=(6,), form_of_support="technical",
                 status="achieved")  # fmt: skip
    not_an_offer = row(9, "National action", owner=3, objectives=(6,), form_of_support="technical")
    rows = [request, best, regional, neighbour, wrong_form, wrong_objective, far_away, closed, not_an_offer]
    matches = co.find_matches(rows, PLACES)
    assert [m.offer_id for m in matches] == [2, 3, 4]
    top = matches[0]
    codes = [r.code for r in top.reasons]
    assert codes[:4] == ["primary_objective", "action", "same_form", "same_area"]
    assert top.score == sum(r.points for r in top.reasons)
    assert [r.code for r in matches[1].reasons if r.code.endswith("area")] == ["containing_area"]
    assert "same_region" in [r.code for r in matches[2].reasons]
    assert matches[0].score > matches[1].score > matches[2].score


def test_unstated_form_fits_weaker_and_declared_matching_pledge_always_fits():
    request = row(1, "Help", kind="request", owner=1, objectives=(5,), form_of_support="financial")
    unstated = row(2, "Some pledge", kind="pledge", owner=3, objectives=(5,))
    declared = row(3, "Our answer", kind="matching_pledge", owner=4, objectives=(9,), matches_id=1, area=KEN)
    matches = co.find_matches([request, unstated, declared], PLACES)
    assert [m.offer_id for m in matches] == [3, 2]
    assert matches[0].reasons[0].code == "declared"
    assert "form_unstated" in [r.code for r in matches[1].reasons]


def test_matching_pledge_of_a_pledge_is_listed_as_declared():
    host = row(1, "Host pledge: school places", kind="pledge", owner=1, objectives=(15,))
    donor = row(2, "Donor matches the host pledge", kind="matching_pledge", owner=3, objectives=(15,), matches_id=1)
    [match] = co.find_matches([host, donor], PLACES)
    assert (match.request_id, match.offer_id, match.state) == (1, 2, "declared")
    assert match.reasons[0].code == "declared"


def test_stored_matches_keep_their_state_and_declined_ones_are_not_suggested():
    request = row(1, "Help", kind="request", owner=1, objectives=(5,), form_of_support="technical")
    offer_a = row(2, "Offer A", kind="pledge", owner=3, objectives=(5,), form_of_support="technical")
    offer_b = row(3, "Offer B", kind="pledge", owner=4, objectives=(5,), form_of_support="technical")
    records = [
        co.MatchRecord(10, 1, 2, "declined", 2),
        co.MatchRecord(11, 1, 3, "confirmed", 3, True, True),
    ]
    matches = co.find_matches([request, offer_a, offer_b], PLACES, records)
    assert [(m.offer_id, m.state, m.match_id) for m in matches] == [(3, "confirmed", 11)]
    assert matches[0].request_confirmed and matches[0].offer_confirmed


def test_same_owner_or_action_only_fits_weaker():
    request = row(1, "Help", kind="request", owner=1, objectives=(5,), actions=("7a",))
    own = row(2, "Our own offer", kind="pledge", owner=1, objectives=(5,))
    by_action = row(3, "Offer on the action", kind="pledge", owner=3, objectives=(7,), actions=("7a",))
    other = row(4, "Other offer", kind="pledge", owner=3, objectives=(5,))
    matches = co.find_matches([request, own, by_action, other], PLACES)
    assert [m.offer_id for m in matches] == [4, 3, 2]
    assert matches[-1].reasons[-1].code == "same_owner" and matches[-1].reasons[-1].points < 0


def test_focus_area_keeps_pairs_touching_it():
    request = row(1, "Help", kind="request", owner=1, objectives=(5,), area=GTM)
    offer = row(2, "Offer", kind="pledge", owner=3, objectives=(5,), area=GTM)
    assert co.find_matches([request, offer], PLACES, focus_area_id=MEX) == []
    assert len(co.find_matches([request, offer], PLACES, focus_area_id=GTM)) == 1


def test_a_suggestion_stays_if_among_the_best_of_its_request_or_of_its_offer():
    scores = {(1, 10): 90, (1, 11): 80, (1, 12): 70, (2, 10): 60, (2, 12): 50}
    matches = [co.Match(r, o, score, []) for (r, o), score in scores.items()]
    kept = {(m.request_id, m.offer_id) for m in co._best_per_side(matches, 1)}
    # (1, 10): best of both; (1, 11): best of offer 11; (2, 10): best of request 2;
    # (1, 12) is best of offer 12 too; (2, 12) is neither's best.
    assert kept == {(1, 10), (1, 11), (2, 10), (1, 12)}


# --- stakeholder map -----------------------------------------------------------------------


def test_stakeholder_map_groups_by_type_with_objectives():
    rows = [
        row(1, "A", owner=1, objectives=(6, 7), partners=((2, "support"),)),
        row(2, "B", owner=4, objectives=(15,)),
        row(3, "C", owner=2, objectives=(16,)),
    ]
    groups = co.stakeholder_map(rows, ORGS)
    by_kind = {g.kind: g for g in groups}
    assert set(by_kind) == {"ministry-agency", "civil-society", "local-government"}
    network = by_kind["civil-society"].stakeholders[0]
    assert network.objectives == [6, 7, 16] and network.commitments == 2
    assert by_kind["civil-society"].objectives == {6: 1, 7: 1, 16: 1}


def test_coordinate_puts_it_together():
    data = co.CoordinationInput(
        area=PLACES[MEX],
        commitments=[row(1, "A"), row(2, "Help", kind="request", objectives=(6,))],
        organizations=ORGS,
        objectives=OBJECTIVES,
        actions=ACTIONS,
        places=PLACES,
        elsewhere=[row(3, "Regional offer", kind="pledge", owner=3, area=LATAM)],
    )
    result = co.coordinate(data)
    assert len(result.matrix.columns) == 23
    assert [(m.request_id, m.offer_id) for m in result.matches] == [(2, 3)]
    assert result.stakeholders and result.gaps
