"""Lookups other apps use, and the rules of the official-text import."""

import hashlib

import pytest

from gcmhub.errors import InvalidInput, NotFound
from gcmhub.framework import services
from gcmhub.framework.models import Action, Objective
from gcmhub.framework.problems import FrameworkDataError
from tests.framework.helpers import official_text_markdown

pytestmark = pytest.mark.django_db


def objectives(*numbers):
    return list(Objective.objects.filter(number__in=numbers).prefetch_related("actions"))


def as_objective_20(objective) -> str:
    """``objective`` (title and actions) filed under number 20, like the public transcription's defect."""
    return official_text_markdown([objective]).replace(f"Objective {objective.number}", "Objective 20")


class TestLookups:
    def test_list_objectives_in_order_with_their_actions(self, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):
            counts = {o.number: len(o.actions.all()) for o in services.list_objectives()}
        assert list(counts) == list(range(1, 24))
        assert (counts[1], counts[20], counts[22]) == (11, 9, 3)

    def test_get_objective(self):
        objective = services.get_objective(8)
        assert objective.title_en.startswith("Save lives")
        assert [link.indicator.code for link in objective.indicator_links.all()] == ["10.7.3"]

    def test_unknown_objective(self):
        with pytest.raises(NotFound, match="There is no objective 24"):
            services.get_objective(24)

    def test_adjacent_objectives(self):
        assert [o and o.number for o in services.adjacent_objectives(services.get_objective(1))] == [None, 2]
        assert [o and o.number for o in services.adjacent_objectives(services.get_objective(23))] == [22, None]

    @pytest.mark.parametrize("code", ["20a", "20 a", "20(a)", "20 (a)", "20.a", " 20A "])
    def test_action_references(self, code):
        assert services.parse_action_code(code) == (20, "a")

    @pytest.mark.parametrize("code", ["", "a20", "20", "20ab", "objective 20"])
    def test_invalid_action_references(self, code):
        with pytest.raises(InvalidInput) as caught:
            services.parse_action_code(code)
        assert caught.value.field == "action"

    def test_get_action(self):
        action = services.get_action("6 (c)")
        assert (action.code, action.label) == ("6c", "6 (c)")
        assert action.get_absolute_url() == "/en/objectives/6/#action-6c"

    def test_action_beyond_the_last_letter(self):
        with pytest.raises(NotFound, match=r"Objective 22 has no action \(d\)"):
            services.get_action("22d")

    def test_indicator_for_series(self):
        indicator = services.indicator_for_series("si_rmt_cost")
        assert indicator.code == "10.c.1"
        assert indicator.target.code == "10.c"

    def test_unknown_series(self):
        with pytest.raises(NotFound, match="XX_UNKNOWN"):
            services.indicator_for_series("XX_UNKNOWN")

    def test_get_indicator_with_its_objectives(self):
        indicator = services.get_indicator("10.7.2")
        domains = {(link.objective.number, link.policy_domain_id) for link in indicator.objective_links.all()}
        assert (4, "PD_1") in domains and (3, "PD_6") in domains


class TestImportOfficialTexts:
    def test_imports_texts_and_records_their_source(self, write_official_text):
        path = write_official_text(objectives(1, 20))
        report = services.import_official_texts(path)
        assert report.objectives == [1, 20]
        assert (report.actions_changed, report.actions_unchanged) == (20, 0)
        action = Action.objects.get(objective__number=20, letter="i")
        assert action.text_en == "Official text of action 20i."
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        assert action.text_source_en == f"official.md (sha256 {digest})"
        assert 2 in report.missing and 1 not in report.missing

    def test_importing_twice_changes_nothing(self, write_official_text):
        path = write_official_text(objectives(3))
        services.import_official_texts(path)
        report = services.import_official_texts(path)
        assert (report.actions_changed, report.actions_unchanged) == (0, 5)

    def test_title_case_and_spacing_do_not_matter(self, tmp_path):
        path = tmp_path / "case.md"
        path.write_text(
            "# Objective 8\n"
            "## Title: Save  Lives And Establish Coordinated International Efforts On Missing Migrants.\n"
            + "".join(f"- {letter}. Text {letter}.\n" for letter in "abcdef"),
            encoding="utf-8",
        )
        assert services.import_official_texts(path).actions_changed == 6

    def test_a_wrong_title_refuses_the_whole_file(self, tmp_path):
        # Objective 20 carrying objective 2's title and actions, as in the public transcription.
        two = Objective.objects.get(number=2)
        text = official_text_markdown(objectives(1)) + as_objective_20(two)
        path = tmp_path / "wrong.md"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FrameworkDataError) as caught:
            services.import_official_texts(path)
        problems = {(p.field, p.line) for p in caught.value.problems}
        title_line = text.splitlines().index(f"## Title: {two.title_en}") + 1
        assert ("objective 20 title", title_line) in problems
        assert ("objective 20 actions", title_line - 1) in problems
        assert "the file has actions (a)–(l) but the objective has actions (a)–(i)" in caught.value.message
        assert not Action.objects.exclude(text_en="").exists()

    def test_skip_mismatched_imports_the_rest(self, tmp_path):
        two = Objective.objects.get(number=2)
        path = tmp_path / "wrong.md"
        path.write_text(
            official_text_markdown(objectives(1)) + as_objective_20(two),
            encoding="utf-8",
        )
        report = services.import_official_texts(path, skip_mismatched=True)
        assert report.objectives == [1]
        assert {p.field for p in report.skipped} == {"objective 20 title", "objective 20 actions"}
        assert set(Action.objects.exclude(text_en="").values_list("objective__number", flat=True)) == {1}

    def test_missing_action_is_a_mismatch(self, write_official_text):
        path = write_official_text(objectives(22))
        path.write_text(path.read_text().replace("- c. Official text of action 22c.\n", ""), encoding="utf-8")
        with pytest.raises(FrameworkDataError, match=r"actions \(a\)–\(b\) but the objective has actions \(a\)–\(c\)"):
            services.import_official_texts(path)

    def test_unknown_objective_number(self, tmp_path):
        path = tmp_path / "extra.md"
        path.write_text("# Objective 24\n## Title: Something new\n- a. Text.\n", encoding="utf-8")
        with pytest.raises(FrameworkDataError, match="objective 24: is not an objective of the Compact"):
            services.import_official_texts(path)

    def test_dry_run_writes_nothing(self, write_official_text):
        report = services.import_official_texts(write_official_text(objectives(5)), dry_run=True)
        assert report.actions_changed == 10
        assert not Action.objects.filter(objective__number=5).exclude(text_en="").exists()

    def test_french_file_is_checked_against_french_titles(self, write_official_text):
        path = write_official_text(objectives(15), language="fr", text=lambda a: f"Texte officiel {a.code}.")
        services.import_official_texts(path, language="fr")
        action = Action.objects.get(objective__number=15, letter="f")
        assert (action.text_fr, action.text_en) == ("Texte officiel 15f.", "")
        with pytest.raises(FrameworkDataError, match="is not the official title"):
            services.import_official_texts(path, language="es")

    def test_unknown_language(self, write_official_text):
        with pytest.raises(InvalidInput) as caught:
            services.import_official_texts(write_official_text(objectives(1)), language="de")
        assert caught.value.field == "language"

    def test_file_that_is_not_utf8_names_the_line(self, tmp_path):
        path = tmp_path / "latin1.md"
        path.write_bytes("# Objective 1\n## Title: Données\n".encode("latin-1"))
        with pytest.raises(FrameworkDataError) as caught:
            services.import_official_texts(path)
        [problem] = caught.value.problems
        assert (problem.file, problem.line, problem.reason) == ("latin1.md", 2, "is not UTF-8 text")

    def test_missing_file(self, tmp_path):
        with pytest.raises(FrameworkDataError, match="absent.md, file: cannot be read"):
            services.import_official_texts(tmp_path / "absent.md")

    def test_layout_problems_are_reported_before_any_comparison(self, tmp_path):
        path = tmp_path / "layout.md"
        path.write_text("# Objective 1\n- a. No title here.\n", encoding="utf-8")
        with pytest.raises(FrameworkDataError, match="layout.md, line 1, objective 1: has no '## Title:' line"):
            services.import_official_texts(path)


class TestFollowUp:
    def test_list_follow_up_in_file_order(self, django_assert_max_num_queries):
        with django_assert_max_num_queries(6):
            elements = services.list_follow_up()
            parts = {e.slug: [p.slug for p in e.parts.all()] for e in elements}
            years = {e.slug: e.scheduled_years() for e in elements}
        assert elements[0].slug == "capacity-building-mechanism"
        assert parts["capacity-building-mechanism"] == ["connection-hub", "start-up-fund", "global-knowledge-platform"]
        assert years["imrf"] == [2022, 2026, 2030]

    def test_calendar_runs_from_the_first_event_to_2030(self):
        calendar = services.follow_up_calendar()
        assert [row.year for row in calendar] == list(range(2019, 2031))
        rows = {row.year: row for row in calendar}
        assert [e.slug for e in rows[2022].meetings] == ["imrf"]
        assert [e.slug for e in rows[2024].meetings] == ["regional-reviews"]
        assert {m.symbol for m in rows[2019].milestones} == {"", "A/RES/73/326"}  # Migration MPTF, IMRF format
        assert rows[2030].milestones == ()

    def test_calendar_until_an_earlier_year(self):
        assert [row.year for row in services.follow_up_calendar(until=2022)][-1] == 2022

    def test_schedule_in_words(self):
        from django.utils import translation

        elements = {e.slug: e for e in services.list_follow_up()}
        with translation.override("fr"):
            assert elements["imrf"].schedule_text() == "Tous les 4 ans à partir de 2022"
            assert elements["gfmd-exchange"].schedule_text() == "Chaque année"
            assert elements["regional-reviews"].schedule_text().startswith("À partir de 2020")
        with translation.override("es"):
            milestone = elements["imrf"].milestones.all()[1]
            assert milestone.display_date() == "mayo de 2022"

    def test_policy_domains_and_scale(self):
        domains = list(services.list_policy_domains())
        assert [d.code for d in domains] == [f"PD_{n}" for n in range(1, 7)]
        assert domains[0].migof.reference == "principle 1"
        assert [s.score for s in services.list_policy_scores()] == [1, 2, 3, 4]
        assert [d.code for d in services.list_migof()[0].policy_domains.all()] == ["PD_1"]
