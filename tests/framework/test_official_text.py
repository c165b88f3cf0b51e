"""Parsing the Markdown transcription of the resolution (no database)."""

from string import ascii_lowercase

from hypothesis import given
from hypothesis import strategies as st

from gcmhub.framework.official_text import clean_text, parse_official_text

SAMPLE = """Some introduction that is not part of any objective.

# Objective 1
## Title: Collect and utilize accurate and disaggregated data as a basis for evidence-based policies
## Associated actions
- a. Elaborate a strategy
  that goes on over a second line.
- b. Improve statistics,including definitions.

# Objective 2
## Title: Minimize adverse drivers
## Associated actions
- (a) Promote the 2030 Agenda.
"""


def test_reads_objectives_titles_and_actions_with_lines():
    objectives, problems = parse_official_text(SAMPLE, "sample.md")
    assert problems == []
    first, second = objectives
    assert (first.number, first.line, first.title_line) == (1, 3, 4)
    assert first.title.startswith("Collect and utilize")
    assert [(a.letter, a.line) for a in first.actions] == [("a", 6), ("b", 8)]
    assert [a.letter for a in second.actions] == ["a"]


def test_an_action_continues_on_following_lines():
    objectives, _ = parse_official_text(SAMPLE, "sample.md")
    assert objectives[0].actions[0].text == "Elaborate a strategy that goes on over a second line."


def test_restores_the_space_lost_after_a_comma():
    objectives, _ = parse_official_text(SAMPLE, "sample.md")
    assert objectives[0].actions[1].text == "Improve statistics, including definitions."


def test_clean_text_keeps_thousands_separators():
    assert clean_text("from  1,000 to 2,500  migrants,each") == "from 1,000 to 2,500 migrants, each"


def test_duplicate_letter_is_a_problem_with_its_line():
    text = "# Objective 1\n## Title: T\n- a. One\n- a. Again\n"
    _, problems = parse_official_text(text, "dup.md")
    [problem] = problems
    assert (problem.file, problem.line, problem.field) == ("dup.md", 4, "objective 1 (a)")


def test_duplicate_objective_is_a_problem():
    text = "# Objective 1\n## Title: T\n- a. One\n# Objective 1\n## Title: T\n"
    _, problems = parse_official_text(text, "dup.md")
    assert [(p.line, p.reason) for p in problems] == [(4, "appears twice in the file")]


def test_objective_without_title_is_a_problem():
    _, problems = parse_official_text("# Objective 3\n- a. One\n", "t.md")
    assert [(p.line, p.field) for p in problems] == [(1, "objective 3")]


def test_action_before_any_objective_is_a_problem():
    _, problems = parse_official_text("- a. Orphan\n# Objective 1\n## Title: T\n", "t.md")
    assert [(p.line, p.field) for p in problems] == [(1, "action")]


def test_file_without_objectives_is_a_problem():
    _, problems = parse_official_text("Just prose.\n", "t.md")
    assert [p.reason for p in problems] == ["contains no '# Objective N' heading"]


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
sentences = st.lists(words, min_size=1, max_size=8).map(" ".join)


@given(st.lists(st.lists(sentences, min_size=1, max_size=12), min_size=1, max_size=5), sentences)
def test_round_trip_of_any_well_formed_file(action_texts, title):
    lines = []
    for number, texts in enumerate(action_texts, start=1):
        lines += [f"# Objective {number}", f"## Title: {title}", "## Associated actions"]
        lines += [f"- {letter}. {text}" for letter, text in zip(ascii_lowercase, texts)]
        lines.append("")
    objectives, problems = parse_official_text("\n".join(lines), "generated.md")
    assert problems == []
    assert [[a.text for a in o.actions] for o in objectives] == action_texts
    assert all(o.title == title for o in objectives)
