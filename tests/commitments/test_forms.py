"""The commitment forms: rows left blank are skipped, started rows must be
complete, a service's refusal lands beside what it is about, and an edit
form shows exactly what is stored."""

import datetime
from decimal import Decimal

import pytest

from gcmhub.commitments.forms import CommitmentEditor, UpdateForm
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.services import InvalidCommitment
from tests.commitments.test_views import form_data

pytestmark = pytest.mark.django_db


def test_blank_rows_are_skipped_and_the_input_is_complete(people, kenya, orgs):
    editor = CommitmentEditor(form_data(kenya, orgs), user=people.contributor_ken)
    assert editor.is_valid(), editor.main.errors
    data = editor.service_data()
    assert isinstance(data, CommitmentInput)
    assert [o.number for o in data.objectives] == [16, 6]  # primary first
    assert data.partners == [(orgs.ken_gov, "lead"), (orgs.ken_ngo, "support")]
    assert data.indicators == [] and data.amounts == []
    assert data.metric_target == Decimal("900") and data.due_date == datetime.date(2027, 12, 31)


def test_a_started_amount_row_must_be_complete_and_currency_is_upper_cased(people, kenya, orgs):
    data = form_data(kenya, orgs, **{"amounts-0-amount": "1200", "amounts-0-currency": "eur"})
    editor = CommitmentEditor(data, user=people.contributor_ken)
    assert not editor.is_valid()
    row = editor.amounts.forms[0]
    assert set(row.errors) == {"stage", "date"}
    assert row.cleaned_data["currency"] == "EUR"


def test_the_primary_objective_is_not_repeated_among_the_others(people, kenya, orgs):
    editor = CommitmentEditor(form_data(kenya, orgs, other_objectives=["16", "6"]), user=people.contributor_ken)
    assert editor.is_valid()
    assert [o.number for o in editor.service_data().objectives] == [16, 6]


def test_service_errors_go_to_their_field_or_group(people, kenya, orgs):
    editor = CommitmentEditor(form_data(kenya, orgs), user=people.contributor_ken)
    editor.is_valid()
    editor.add_service_error(
        InvalidCommitment(
            "x",
            errors={
                "objectives": ["Name at least one objective."],
                "partners": ["An organisation is listed twice as a partner."],
                "matches": ["A matching pledge names the pledge or request it matches."],
                "no_such_field": ["Something general."],
            },
        )
    )
    assert editor.main.errors["primary_objective"] == ["Name at least one objective."]
    assert editor.main.errors["matched_commitment"] == ["A matching pledge names the pledge or request it matches."]
    assert editor.group_errors["partners"] == ["An organisation is listed twice as a partner."]
    assert "Something general." in editor.main.non_field_errors()
    assert editor.has_errors


def test_a_member_can_only_pick_their_own_organisation_as_owner(people, kenya, orgs):
    editor = CommitmentEditor(user=people.contributor_ken)
    assert list(editor.main.fields["owner"].queryset) == [orgs.ken_gov]
    assert editor.main.initial["owner"] == orgs.ken_gov.pk


def test_a_focal_point_picks_only_their_country(people):
    editor = CommitmentEditor(user=people.focal_ken)
    assert [code for code, _name in editor.main.fields["area"].choices] == ["KEN"]


def test_the_edit_form_round_trips_what_is_stored(people, make_commitment):
    commitment = make_commitment("draft", amounts=[], form_of_support="")
    stored = CommitmentInput.from_commitment(commitment)
    editor = CommitmentEditor(user=people.contributor_ken, initial=stored, version=commitment.version)
    assert editor.main.initial["primary_objective"] == 7
    assert editor.main.initial["other_objectives"] == [12]
    assert editor.main.initial["version"] == commitment.version
    assert [form.initial for form in editor.partners.forms[:2]] == [
        {"organization": p.pk, "role": role} for p, role in stored.partners
    ]
    assert len(editor.partners.forms) == len(stored.partners) + 2  # spare rows


def test_the_update_form_offers_the_owner_and_partners_and_reads_links(make_commitment, orgs):
    commitment = make_commitment("published")
    form = UpdateForm(
        {
            "reported_on": "2025-05-01",
            "status": "in_progress",
            "completion": "limited",
            "links": "https://example.org/a\n\n  https://example.org/b  ",
        },
        commitment=commitment,
    )
    assert set(form.fields["organization"].queryset) == {orgs.ken_gov, orgs.ken_ngo}
    assert form.is_valid(), form.errors
    assert form.service_kwargs()["links"] == ["https://example.org/a", "https://example.org/b"]
    assert form.service_kwargs()["files"] == []


def test_the_update_form_asks_for_the_metric_only_when_there_is_one(make_commitment):
    assert "metric_value" in UpdateForm(commitment=make_commitment("draft")).fields
    assert "metric_value" not in UpdateForm(commitment=make_commitment("draft", metric="")).fields
