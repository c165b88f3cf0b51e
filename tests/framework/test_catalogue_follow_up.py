"""The file headers, and the MiGOF, policy-domain and follow-up files: their
content, and how a broken edit is reported (file, line, field)."""

import pytest

from gcmhub.framework.catalogue import FILES, SCHEMA_VERSION, read_bundle
from gcmhub.framework.problems import FrameworkDataError
from tests.framework.helpers import line_of, replace_in


@pytest.fixture(scope="module")
def bundle():
    return read_bundle()


def problems_of(bundle_dir) -> list:
    with pytest.raises(FrameworkDataError) as caught:
        read_bundle(bundle_dir)
    return caught.value.problems


def follow_up(bundle, slug):
    return next(entry for entry in bundle.follow_up if entry.slug == slug)


class TestHeaders:
    def test_every_file_carries_schema_version_edition_and_source(self, bundle):
        assert [header.file for header in bundle.headers] == list(FILES)
        assert {header.schema_version for header in bundle.headers} == {SCHEMA_VERSION}
        assert all(header.edition and header.source for header in bundle.headers)

    @pytest.mark.parametrize("name", FILES)
    def test_missing_schema_version_names_file_and_line(self, bundle_dir, name):
        path = bundle_dir / name
        line = line_of(path, "schema_version: 1")
        replace_in(path, "schema_version: 1\n", "")
        [problem] = problems_of(bundle_dir)
        assert (problem.file, problem.field) == (name, "schema_version")
        assert problem.line == line  # where the header now starts
        assert "is missing" in problem.reason

    def test_unknown_schema_version_stops_reading_that_file_only(self, bundle_dir):
        objectives = bundle_dir / "objectives.yaml"
        replace_in(objectives, "schema_version: 1", "schema_version: 2")
        replace_in(objectives, "- number: 23", "- number: 24")  # not reported: the layout may differ
        replace_in(bundle_dir / "principles.yaml", "  slug: human-rights", "  slug: Human Rights")
        problems = problems_of(bundle_dir)
        assert {(p.file, p.field) for p in problems} == {
            ("objectives.yaml", "schema_version"),
            ("principles.yaml", "principle 6.slug"),
        }
        version = next(p for p in problems if p.field == "schema_version")
        assert version.line == line_of(objectives, "schema_version: 2")
        assert "is 2, but this version of GCM Hub reads schema_version 1 only" in version.reason

    def test_message_names_file_and_line(self, bundle_dir):
        replace_in(bundle_dir / "migof.yaml", "schema_version: 1", 'schema_version: "one"')
        with pytest.raises(FrameworkDataError) as caught:
            read_bundle(bundle_dir)
        line = line_of(bundle_dir / "migof.yaml", 'schema_version: "one"')
        assert f"migof.yaml, line {line}, schema_version: is one, but" in caught.value.message

    def test_a_file_in_the_layout_before_versions_is_told_what_to_add(self, bundle_dir):
        principles = bundle_dir / "principles.yaml"
        text = principles.read_text(encoding="utf-8")
        header_end = text.index("principles:\n") + len("principles:\n")
        header_start = text.index("schema_version:")
        principles.write_text(text[:header_start] + text[header_end:], encoding="utf-8")  # a bare list again
        [problem] = problems_of(bundle_dir)
        assert (problem.file, problem.field) == ("principles.yaml", "schema_version")
        assert "starts with schema_version: 1, then edition, source, principles" in problem.reason

    def test_missing_edition_and_unknown_header_key(self, bundle_dir):
        policy_domains = bundle_dir / "policy_domains.yaml"
        replace_in(policy_domains, 'edition: "2026-11-26"\n', "version: 3\n")
        problems = problems_of(bundle_dir)
        assert {(p.file, p.field) for p in problems} == {
            ("policy_domains.yaml", "edition"),
            ("policy_domains.yaml", "file.version"),
        }

    def test_an_unquoted_date_is_a_valid_edition(self, bundle_dir):
        replace_in(bundle_dir / "follow_up.yaml", 'edition: "2026-11-26"', "edition: 2026-11-26")
        headers = {header.file: header for header in read_bundle(bundle_dir).headers}
        assert headers["follow_up.yaml"].edition == "2026-11-26"


class TestMigofAndPolicyDomains:
    def test_migof_has_three_principles_then_three_objectives(self, bundle):
        assert [entry.reference for entry in bundle.migof] == [
            "principle 1",
            "principle 2",
            "principle 3",
            "objective 1",
            "objective 2",
            "objective 3",
        ]
        assert bundle.migof[3].name["en"] == "Advance the socioeconomic well-being of migrants and society"

    def test_the_scale_runs_from_1_to_4_in_three_languages(self, bundle):
        assert [(s.score, s.label["en"]) for s in bundle.scores] == [
            (1, "Requires further progress"),
            (2, "Partially meets"),
            (3, "Meets"),
            (4, "Fully meets"),
        ]
        assert bundle.scores[3].label["fr"] == "Satisfait pleinement"
        assert bundle.scores[0].label["es"] == "Requiere más avances"

    def test_six_domains_each_following_a_migof_element(self, bundle):
        domains = {d.code: d for d in bundle.policy_domains}
        assert list(domains) == ["PD_1", "PD_2", "PD_3", "PD_4", "PD_5", "PD_6"]
        assert domains["PD_1"].name["en"] == "Migrant rights"
        assert [d.migof for d in bundle.policy_domains] == [e.reference for e in bundle.migof]

    def test_domains_out_of_order(self, bundle_dir):
        policy_domains = bundle_dir / "policy_domains.yaml"
        replace_in(policy_domains, "- code: PD_6", "- code: PD_7")
        problems = problems_of(bundle_dir)
        assert any(p.field == "domains" and "PD_1 to PD_6" in p.reason for p in problems)

    def test_unknown_migof_reference(self, bundle_dir):
        policy_domains = bundle_dir / "policy_domains.yaml"
        replace_in(policy_domains, "  migof: objective 3", "  migof: objective 4")
        [problem] = problems_of(bundle_dir)
        assert (problem.field, problem.line) == ("domain 6.migof", line_of(policy_domains, "objective 4"))
        assert "objective 4 is not an element of migof.yaml" in problem.reason

    def test_scale_with_a_missing_score(self, bundle_dir):
        replace_in(bundle_dir / "policy_domains.yaml", "- score: 4", "- score: 5")
        [problem] = problems_of(bundle_dir)
        assert problem.field == "scale" and "found 1, 2, 3, 5" in problem.reason

    def test_migof_elements_out_of_order(self, bundle_dir):
        replace_in(bundle_dir / "migof.yaml", "- kind: objective\n  number: 3", "- kind: objective\n  number: 4")
        problems = problems_of(bundle_dir)
        assert [p.file for p in problems] == ["migof.yaml", "policy_domains.yaml"]
        assert "principles 1 to 3, then objectives 1 to 3" in problems[0].reason
        assert "objective 3 is not an element of migof.yaml" in problems[1].reason


class TestFollowUp:
    def test_capacity_building_mechanism_has_its_three_parts(self, bundle):
        parts = [entry for entry in bundle.follow_up if entry.part_of == "capacity-building-mechanism"]
        assert [(p.slug, p.paragraphs) for p in parts] == [
            ("connection-hub", ("43 (a)",)),
            ("start-up-fund", ("43 (b)",)),
            ("global-knowledge-platform", ("43 (c)",)),
        ]
        assert [(m.date, m.label["en"]) for m in parts[1].milestones] == [
            ("2019-05", "The Migration MPTF becomes operational.")
        ]
        assert parts[2].milestones[0].date == "2021-03"

    def test_network_is_coordinated_by_iom_with_nine_committee_members(self, bundle):
        network = follow_up(bundle, "un-network-on-migration")
        assert network.kind == "implementation" and network.paragraphs == ("45",)
        assert network.coordinator["en"].startswith("IOM")
        assert [member["en"] for member in network.executive_committee] == [
            "ILO",
            "IOM",
            "OHCHR",
            "UNICEF",
            "UN DESA",
            "UNODC",
            "UNHCR",
            "UNDP",
            "WHO",
        ]
        assert network.executive_committee[6]["fr"] == "HCR"

    def test_imrf_every_four_years_from_2022_and_regional_reviews_between(self, bundle):
        imrf = follow_up(bundle, "imrf")
        assert (imrf.kind, imrf.paragraphs, imrf.first_year, imrf.every) == ("follow-up", ("49",), 2022, 4)
        regional = follow_up(bundle, "regional-reviews")
        assert (regional.first_year, regional.between, regional.every) == (2020, "imrf", None)

    def test_what_methods_does_not_confirm_is_marked(self, bundle):
        unconfirmed = {entry.slug for entry in bundle.follow_up if "paragraphs" in entry.unconfirmed}
        assert unconfirmed == {"secretary-general-report", "regional-reviews", "gfmd-exchange", "national-reviews"}
        report = follow_up(bundle, "secretary-general-report")
        assert [(m.symbol, m.unconfirmed) for m in report.milestones] == [
            ("A/75/542", ()),
            ("A/76/642", ("date",)),
            ("A/79/590", ("symbol",)),
        ]
        assert follow_up(bundle, "imrf").milestones[1].unconfirmed == ("symbol",)  # A/RES/76/266

    def test_every_element_has_texts_in_three_languages(self, bundle):
        texts = [e.name for e in bundle.follow_up] + [e.description for e in bundle.follow_up]
        texts += [m.label for e in bundle.follow_up for m in e.milestones]
        assert all(set(text) == {"en", "fr", "es"} and all(text.values()) for text in texts)

    def test_paragraph_outside_its_section(self, bundle_dir):
        follow_up_file = bundle_dir / "follow_up.yaml"
        replace_in(follow_up_file, 'paragraphs: ["49"]', 'paragraphs: ["47"]')
        [problem] = problems_of(bundle_dir)
        assert problem.file == "follow_up.yaml"
        assert problem.line == line_of(follow_up_file, '["47"]')
        assert problem.reason == "paragraph 47 is not in the follow-up section (paragraphs 48 to 54)"

    def test_part_of_an_unknown_element(self, bundle_dir):
        follow_up_file = bundle_dir / "follow_up.yaml"
        replace_in(follow_up_file, "part_of: capacity-building-mechanism", "part_of: capacity-mechanism")
        [problem] = problems_of(bundle_dir)
        assert problem.field == "element 2.part_of"
        assert problem.line == line_of(follow_up_file, "part_of: capacity-mechanism")

    def test_between_an_element_without_a_schedule(self, bundle_dir):
        replace_in(bundle_dir / "follow_up.yaml", "between: imrf", "between: national-reviews")
        [problem] = problems_of(bundle_dir)
        assert problem.field == "element 9.schedule.between"
        assert "national-reviews is not an element listed before this one" in problem.reason

    def test_schedule_with_both_every_and_between(self, bundle_dir):
        replace_in(bundle_dir / "follow_up.yaml", "    between: imrf\n", "    between: imrf\n    every: 2\n")
        [problem] = problems_of(bundle_dir)
        assert problem.reason == "gives both every and between; give one"

    def test_bad_milestone_date(self, bundle_dir):
        follow_up_file = bundle_dir / "follow_up.yaml"
        replace_in(follow_up_file, '- date: "2019-05"', '- date: "May 2019"')
        [problem] = problems_of(bundle_dir)
        assert problem.field == "element 3.milestones.1.date"
        assert problem.line == line_of(follow_up_file, "May 2019")

    def test_unknown_unconfirmed_fact(self, bundle_dir):
        replace_in(bundle_dir / "follow_up.yaml", "unconfirmed: [date]", "unconfirmed: [when]")
        [problem] = problems_of(bundle_dir)
        assert problem.reason == "when is not one of date, symbol"

    def test_duplicate_slug(self, bundle_dir):
        follow_up_file = bundle_dir / "follow_up.yaml"
        replace_in(follow_up_file, "- slug: national-reviews", "- slug: imrf")
        problems = problems_of(bundle_dir)
        assert ("slug", "imrf appears more than once") in {(p.field, p.reason) for p in problems}

    def test_unknown_field(self, bundle_dir):
        follow_up_file = bundle_dir / "follow_up.yaml"
        replace_in(follow_up_file, "- slug: imrf\n", "- slug: imrf\n  venue: New York\n")
        [problem] = problems_of(bundle_dir)
        assert (problem.field, problem.line) == ("element 8.venue", line_of(follow_up_file, "venue: New York"))


def test_links_are_checked_against_the_policy_domains_file(bundle_dir):
    # With policy_domains.yaml unreadable, links to domains are not checked
    # (and not reported a second time); the file itself is reported.
    (bundle_dir / "policy_domains.yaml").write_text("schema_version: [", encoding="utf-8")
    problems = problems_of(bundle_dir)
    assert {(p.file, p.field) for p in problems} == {("policy_domains.yaml", "syntax")}
