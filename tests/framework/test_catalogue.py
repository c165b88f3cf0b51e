"""The bundled YAML files: their content, and how a broken edit is reported."""

import pytest

from gcmhub.framework.catalogue import read_bundle
from gcmhub.framework.problems import FrameworkDataError
from tests.framework.helpers import line_of, replace_in


@pytest.fixture(scope="module")
def bundle():
    return read_bundle()


def problems_of(bundle_dir) -> list:
    with pytest.raises(FrameworkDataError) as caught:
        read_bundle(bundle_dir)
    return caught.value.problems


class TestBundledContent:
    def test_the_compact_has_ten_principles_lettered_a_to_j(self, bundle):
        assert [p.letter for p in bundle.principles] == list("abcdefghij")
        assert bundle.principles[0].slug == "people-centred"
        assert bundle.principles[9].name["fr"] == "Approche mobilisant l'ensemble de la société"

    def test_the_compact_has_23_objectives_in_paragraphs_17_to_39(self, bundle):
        assert [o.number for o in bundle.objectives] == list(range(1, 24))
        assert [o.paragraph for o in bundle.objectives] == list(range(17, 40))

    def test_the_compact_has_187_actions(self, bundle):
        assert sum(len(o.actions) for o in bundle.objectives) == 187

    def test_objective_20_is_remittances_with_nine_actions(self, bundle):
        # The public transcription repeats objective 2 here; the bundle must not.
        remittances = bundle.objectives[19]
        assert remittances.title["en"].startswith("Promote faster, safer and cheaper transfer of remittances")
        assert [a.letter for a in remittances.actions] == list("abcdefghi")

    def test_action_counts_per_objective(self, bundle):
        counts = [len(o.actions) for o in bundle.objectives]
        assert counts == [11, 12, 5, 7, 10, 12, 12, 6, 6, 10, 7, 5, 8, 6, 6, 9, 7, 12, 10, 9, 9, 3, 5]

    def test_every_text_exists_in_three_languages(self, bundle):
        texts = [o.title for o in bundle.objectives] + [a.title for o in bundle.objectives for a in o.actions]
        texts += [i.title for i in bundle.indicators] + [p.description for p in bundle.principles]
        assert all(set(text) == {"en", "fr", "es"} and all(text.values()) for text in texts)

    def test_indicators_belong_to_listed_targets(self, bundle):
        targets = {t.code for t in bundle.targets}
        assert {i.target_code for i in bundle.indicators} <= targets
        assert next(i for i in bundle.indicators if i.code == "10.c.1").target_code == "10.c"

    def test_series_codes_point_to_one_indicator_each(self, bundle):
        series = {code: i.code for i in bundle.indicators for code, _ in i.series}
        assert series["SI_RMT_COST"] == "10.c.1"
        assert series["SM_DTH_MIGR"] == "10.7.3"
        # UNSD files SG_STT_CAPTY under 17.19.1, not 17.18.1.
        assert series["SG_STT_CAPTY"] == "17.19.1"

    def test_every_objective_is_linked_to_at_least_one_primary_indicator(self, bundle):
        primary = {link.objective for link in bundle.links if link.relevance == "primary"}
        assert primary == set(range(1, 24))

    def test_policy_domains_only_narrow_indicator_10_7_2(self, bundle):
        assert {link.indicator for link in bundle.links if link.policy_domain} == {"10.7.2"}
        border_links = {(link.indicator, link.policy_domain) for link in bundle.links if link.objective == 11}
        assert ("10.7.2", "PD_6") in border_links


class TestProblemsNameFileLineAndField:
    def test_missing_translation(self, bundle_dir):
        objectives = bundle_dir / "objectives.yaml"
        fr_line = line_of(objectives, "fr: Fournir dans les meilleurs délais")
        french_title = (
            "fr: Fournir dans les meilleurs délais des informations exactes à toutes les étapes de la migration"
        )
        replace_in(objectives, f"    {french_title}\n", "")
        [problem] = problems_of(bundle_dir)
        assert problem.file == "objectives.yaml"
        assert problem.field == "objective 3.title.fr"
        assert problem.line == fr_line - 1  # the title mapping, where "en:" stands
        assert "missing" in problem.reason

    def test_duplicate_action_letter(self, bundle_dir):
        objectives = bundle_dir / "objectives.yaml"
        replace_in(objectives, "    b:\n      en: Comparable", "    a:\n      en: Comparable")
        problems = problems_of(bundle_dir)
        duplicate = next(p for p in problems if "twice" in p.reason)
        assert duplicate.line == line_of(objectives, "en: Comparable migration statistics") - 1
        assert duplicate.field == "a"

    def test_gap_in_action_letters(self, bundle_dir):
        replace_in(bundle_dir / "objectives.yaml", "    k:\n      en: Joint", "    m:\n      en: Joint")
        [problem] = problems_of(bundle_dir)
        assert problem.field == "objective 1.actions"
        assert "a, b, c, d, e, f, g, h, i, j, m" in problem.reason

    def test_missing_objective(self, bundle_dir):
        replace_in(bundle_dir / "objectives.yaml", "- number: 23", "- number: 24")
        problems = problems_of(bundle_dir)
        assert any(p.field == "objectives" and "1 to 23" in p.reason for p in problems)

    def test_unknown_field(self, bundle_dir):
        replace_in(bundle_dir / "principles.yaml", "  slug: human-rights\n", "  slug: human-rights\n  colour: blue\n")
        [problem] = problems_of(bundle_dir)
        assert problem.field == "principle 6.colour"
        assert problem.line == line_of(bundle_dir / "principles.yaml", "colour: blue")

    def test_link_to_unknown_indicator(self, bundle_dir):
        links = bundle_dir / "objective_indicators.yaml"
        replace_in(links, 'primary: ["10.7.3"]', 'primary: ["10.7.9"]')
        [problem] = problems_of(bundle_dir)
        assert problem.file == "objective_indicators.yaml"
        assert problem.line == line_of(links, '"10.7.9"')
        assert "10.7.9 is not an indicator" in problem.reason

    def test_policy_domain_on_another_indicator(self, bundle_dir):
        replace_in(bundle_dir / "objective_indicators.yaml", 'primary: ["10.7.3"]', 'primary: ["10.7.3 PD_1"]')
        [problem] = problems_of(bundle_dir)
        assert "only 10.7.2 has policy domains" in problem.reason

    def test_indicator_of_a_target_not_listed(self, bundle_dir):
        replace_in(bundle_dir / "sdg.yaml", '  - code: "3.8.1"', '  - code: "3.9.1"')
        problems = problems_of(bundle_dir)
        assert any("belongs to target 3.9" in p.reason for p in problems)

    def test_duplicate_code_is_reported_where_it_repeats(self, bundle_dir):
        sdg = bundle_dir / "sdg.yaml"
        repeated_line = line_of(sdg, '- code: "17.19.2"')
        replace_in(sdg, '  - code: "17.19.1"', '  - code: "17.19.2"')
        [problem] = problems_of(bundle_dir)
        assert (problem.field, problem.reason) == ("code", "17.19.2 appears more than once")
        assert problem.line == repeated_line

    def test_a_list_item_that_is_not_a_mapping(self, bundle_dir):
        replace_in(bundle_dir / "sdg.yaml", "targets:\n", "targets:\n  - just a string\n")
        problems = problems_of(bundle_dir)
        assert ("target 1", "should be a mapping of keys to values") in {(p.field, p.reason) for p in problems}

    def test_yaml_syntax_error_gives_the_line(self, bundle_dir):
        principles = bundle_dir / "principles.yaml"
        replace_in(principles, "  slug: rule-of-law", "  slug: [rule-of-law")
        [problem] = problems_of(bundle_dir)
        assert problem.field == "syntax"
        assert problem.line is not None and problem.line >= line_of(principles, "[rule-of-law")

    def test_file_that_is_not_utf8(self, bundle_dir):
        (bundle_dir / "sdg.yaml").write_bytes("targets: [é]".encode("latin-1"))
        [problem] = problems_of(bundle_dir)  # and no echo from the links that point into it
        assert (problem.file, problem.field) == ("sdg.yaml", "file")
        assert "UTF-8" in problem.reason

    def test_every_problem_is_reported_at_once(self, bundle_dir):
        replace_in(bundle_dir / "principles.yaml", "  slug: human-rights", "  slug: Human Rights")
        replace_in(bundle_dir / "objective_indicators.yaml", 'primary: ["10.7.3"]', 'primary: ["99.1.1"]')
        problems = problems_of(bundle_dir)
        assert {p.file for p in problems} == {"principles.yaml", "objective_indicators.yaml"}

    def test_message_lists_each_problem_with_its_place(self, bundle_dir):
        replace_in(bundle_dir / "objective_indicators.yaml", 'primary: ["10.7.3"]', 'primary: ["99.1.1"]')
        with pytest.raises(FrameworkDataError) as caught:
            read_bundle(bundle_dir)
        line = line_of(bundle_dir / "objective_indicators.yaml", "99.1.1")
        expected = f"objective_indicators.yaml, line {line}, objective 8.primary: 99.1.1 is not an indicator"
        assert expected in caught.value.message
