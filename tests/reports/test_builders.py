"""Report contents: every objective in every language, numbers as stored, honest gaps."""

import pytest
from django.utils import translation

from gcmhub.framework.models import Objective
from gcmhub.reports.builders import KINDS, build, build_report, format_date, format_number
from gcmhub.reports.document import ReportDocument
from gcmhub.reports.models import ReportNarrative
from tests.actors.conftest import country

from .conftest import make_review

PREFIX = {"en": "Objective", "fr": "Objectif", "es": "Objetivo"}


def _sections(document):
    return {section.key: section for section, _depth in document.walk()}


def _text(section) -> str:
    parts = [section.title, section.narrative]
    for block in section.blocks:
        if block.kind in ("paragraph", "note"):
            parts.append(block.text)
        elif block.kind == "bullets":
            parts += block.items
        else:
            table = block.table if block.kind == "chart" else block
            parts += [table.caption, *[" ".join(row) for row in table.rows]]
    for sub in section.subsections:
        parts.append(_text(sub))
    return "\n".join(parts)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_objective_has_its_section_with_its_official_title(review, kind, language):
    document = build_report(review, kind, language)
    sections = _sections(document)
    for objective in Objective.objects.all():
        section = sections[f"objective-{objective.number}"]
        title = getattr(objective, f"title_{language}") or objective.title_en
        assert section.title == f"{PREFIX[language]} {objective.number} — {title}"
    assert document.language == language
    # The tree survives a round trip through JSON (snapshots store it so).
    assert ReportDocument.from_dict(document.to_dict()) == document


def test_vgr_structure(review):
    document = build_report(review, "vgr", "en")
    keys = [section.key for section in document.sections]
    assert keys[:2] == ["methodology", "framework"]
    assert keys[-5:] == ["sdg-links", "challenges", "means", "next-steps", "annex"]
    seven = _sections(document)["objective-7"]
    assert [s.key for s in seven.subsections] == [
        "objective-7-assessment", "objective-7-indicators", "objective-7-commitments", "objective-7-practices",
    ]  # fmt: skip


def test_numbers_equal_the_database(review, kenya):
    from gcmhub.commitments.models import Commitment
    from gcmhub.progress.models import Assessment

    for language in ("en", "fr"):
        document, data = build(review, "vgr", language)
        sections = _sections(document)
        assessment = Assessment.objects.get(series__code="KEN_LEGAL_AID", area=kenya)
        indicators = sections["objective-7-indicators"]
        chart = next(b for b in indicators.blocks if b.kind == "chart")
        # Raw figures in the chart data are the stored ones, exactly.
        assert chart.vega_lite["data"]["values"][0]["score"] == assessment.score
        row = chart.table.rows[0]
        assert format_number(assessment.current_value, language) in row[4]
        assert str(assessment.current_year) in row[4]
        published = Commitment.objects.filter(area=kenya, is_published=True, objectives__number=7).count()
        assert data["objectives"][7]["commitments"] == published == 2
        commitments = sections["objective-7-commitments"].blocks[0]
        assert len(commitments.rows) == published
        assert data["objectives"][7]["series"]["KEN_LEGAL_AID"]["current_value"] == assessment.current_value
    assert format_number(1234.5678, "fr") == "1\xa0234,57"
    assert format_number(1234.5678, "en") == "1,234.57"


def test_dates_are_formatted_for_the_language(review):
    for language, expected in (("en", "Dec. 31, 2025"), ("fr", "31 décembre 2025"), ("es", "31 de diciembre de 2025")):
        assert format_date(review.period_end, language) == expected
        document = build_report(review, "vgr", language)
        assert expected in document.subtitle


def test_drafts_never_appear(review):
    text = "\n".join(_text(s) for s in build_report(review, "vgr", "en").sections)
    assert "Legal aid desks at border posts" in text
    assert "Secret draft plan" not in text


def test_self_assessment_and_gaps_are_said(review):
    sections = _sections(build_report(review, "vgr", "en"))
    seven = _text(sections["objective-7"])
    assert "Self-assessment: Developing" in seven
    assert "Legal aid desks opened at four border posts." in seven
    assert "Not yet assessed" in _text(sections["objective-9"])
    assert "No published commitment" in _text(sections["objective-9"])
    assert "Staff turnover at remote posts." in _text(sections["challenges"])
    assert "Validation workshop" in _text(sections["next-steps"])


def test_country_without_data_gets_an_honest_report(db):
    area = country("MEX")
    review = make_review(area)
    for kind in KINDS:
        document = build_report(review, kind, "es")
        sections = _sections(document)
        assert len([k for k in sections if k.startswith("objective-") and k.count("-") == 1]) == 23
        assert document.demo_notice == ""
    vgr = _sections(build_report(review, "vgr", "en"))
    assert "No data" in _text(vgr["annex"])
    assert "has not been started" in _text(vgr["methodology"])


def test_narratives_fill_their_section_in_their_language(review):
    ReportNarrative.objects.create(review=review, kind="vgr", section_key="objective-7", language="fr", text="Texte.")
    assert _sections(build_report(review, "vgr", "fr"))["objective-7"].narrative == "Texte."
    assert _sections(build_report(review, "vgr", "en"))["objective-7"].narrative == ""
    assert _sections(build_report(review, "regional", "fr"))["objective-7"].narrative == ""


def test_demo_content_sets_the_notice(review):
    review.is_demo = True
    review.save()
    assert build_report(review, "vgr", "en").demo_notice


def test_numbered_sources(review):
    document = build_report(review, "vgr", "en")
    assert [s.number for s in document.sources] == list(range(1, len(document.sources) + 1))
    text = "\n".join(_text(s) for s in document.sections)
    cited = set()
    for section, _depth in document.walk():
        for block in section.blocks:
            table = block.table if block.kind == "chart" else block
            cited.update(getattr(table, "sources", []))
    for source in document.sources:
        assert f"[{source.number}]" in text or source.number in cited


def test_build_leaves_the_language_alone(review):
    with translation.override("en"):
        build_report(review, "vgr", "es")
        assert translation.get_language() == "en"


def test_sdg_1072_answers_and_domain_scores(review):
    from gcmhub.reviews.instruments import load_instrument
    from gcmhub.reviews.models import Answer, AnswerSet

    instrument = load_instrument("sdg-10.7.2")
    answers = AnswerSet.objects.create(review=review, instrument_code="sdg-10.7.2", kind="official")
    first = instrument.domains[0]
    # Four of five "yes" in the first domain: 80, "meets"; the second domain half answered.
    for index, question in enumerate(first.questions):
        Answer.objects.create(answer_set=answers, question_key=question.key, rating="no" if index == 0 else "yes")
    Answer.objects.create(answer_set=answers, question_key=instrument.domains[1].questions[0].key, rating="yes")
    document, data = build(review, "10.7.2", "fr")
    sections = _sections(document)
    assert data["sdg_domains"][first.key] == 80.0
    domain = sections[f"sdg-10-7-2-{first.key.lower().replace('_', '-')}"]
    text = _text(domain)
    assert "80" in text and "Oui" in text and "Non" in text
    # A domain not fully answered gets no score (never a made-up one).
    assert data["sdg_domains"][instrument.domains[1].key] is None
    assert data["sdg_domains"][instrument.domains[2].key] is None


def test_challenges_name_the_protection_gaps_of_the_country(review, monkeypatch):
    # Nothing in the gap matrix: nothing said about it.
    assert "Protection gaps" not in _text(_sections(build_report(review, "vgr", "en"))["challenges"])
    from gcmhub.protection import gaps_service

    item = {"situation": "Victim of trafficking", "stage": "Return", "status": "gap", "status_label": "Gap"}
    monkeypatch.setattr(gaps_service, "coordination_items", lambda area: {"items": [item], "matrix_url": ""})
    document = build_report(review, "vgr", "en")
    challenges = _text(_sections(document)["challenges"])
    assert "Victim of trafficking — Return: Gap" in challenges
    assert any(source.title == "GCM Hub protection-gap matrix" for source in document.sources)
