"""Pages from inline numbers, the end of the report body, front matter, sentences."""

import pytest

from gcmhub.practices.extraction import ReportTextError, read_text_file, split_pages
from gcmhub.practices.extraction.pages import back_matter_start, front_matter_pages, join_pages
from gcmhub.practices.extraction.sentences import split_sentences
from tests.practices.extract_samples import SAMPLE_REPORT


def test_inline_page_numbers_start_pages():
    pages = split_pages(SAMPLE_REPORT)
    assert len(pages) == 6
    assert pages[0].startswith("WORKSHOP REPORT")
    assert pages[3].startswith("EXPERIENCES Anna Berg")
    assert pages[5].startswith("Kenya:")


def test_numbers_out_of_sequence_do_not_break_pages():
    text = "1 First page.\n2 Second page.\n3 Third page lists dates:\n18 19 April 2017 was the meeting.\n4 Fourth."
    pages = split_pages(text)
    assert len(pages) == 4
    assert "18 19 April 2017" in pages[2]


def test_listings_after_the_body_are_dropped():
    pages = split_pages(SAMPLE_REPORT)
    whole = "\f".join(pages)
    assert "More information" not in whole
    assert "Agenda of the meeting" not in whole
    assert "registration desk" not in whole


def test_repeated_title_block_ends_the_body_without_a_marker():
    text = "1 One.\n2 Two.\n3 Three ends here.\n\nOther document title here\n\nOther document title here and its preview"
    pages = split_pages(text)
    assert pages[-1] == "Three ends here."


def test_form_feeds_are_pages():
    assert split_pages("first\fsecond\fthird") == ["first", "second", "third"]


def test_text_without_page_numbers_is_one_page():
    assert split_pages("Just a paragraph.\nAnother line.") == ["Just a paragraph.\nAnother line."]


def test_front_matter_ends_at_the_first_heading_after_the_contents():
    pages = split_pages(SAMPLE_REPORT)
    assert front_matter_pages(pages) == 2  # cover and contents
    assert front_matter_pages(["INTRODUCTION no contents page", "more"]) == 0


def test_back_matter_starts_at_an_appendix_heading_in_the_second_half():
    body = ["INTRODUCTION see the annex", "EXPERIENCES", "More experiences", "RECOMMENDATIONS"]
    assert back_matter_start(body + ["APPENDICES Final agenda", "Concept note text"]) == 4
    assert back_matter_start(body + ["ANNEX I List of participants"]) == 4
    assert back_matter_start(["ANNEX early mention", "body", "body", "body"]) is None  # first half: not back matter
    assert back_matter_start(body) is None


def test_nothing_is_extracted_from_appendices():
    from gcmhub.practices.extraction import extract_candidates

    measure = "Kenya had launched a national helpline for migrant workers in 2015."
    pages = ["INTRODUCTION Examples.", measure, "Other text.", "APPENDICES Final agenda", measure]
    assert [candidate.page for candidate in extract_candidates(pages)] == [2]


def test_offsets_point_into_the_joined_text():
    text, offsets = join_pages(["abc", "defg", "h"])
    assert text == "abc\fdefg\fh"
    assert [text[offset] for offset in offsets] == ["a", "d", "h"]


def test_sentences_keep_initials_and_parentheses_together():
    text = "Austin T. Fragomen Jr. (Chair, Business Mechanism, Forum. Geneva) spoke first. Then others followed."
    sentences = split_sentences(text, [0])
    assert [sentence.text for sentence in sentences] == [
        "Austin T. Fragomen Jr. (Chair, Business Mechanism, Forum. Geneva) spoke first.",
        "Then others followed.",
    ]


def test_sentences_cross_page_breaks_and_drop_printed_numbers():
    text, offsets = join_pages(["The council adopted a plan for 12", "all regions. Next sentence."])
    sentences = split_sentences(text, offsets)
    assert sentences[0].text == "The council adopted a plan for all regions."
    assert sentences[0].page == 1
    assert sentences[1].page == 2


def test_inline_footnotes_are_blanked():
    text = "The law was adopted. 4 See Ministry, fact sheet, May Available at report.pdf. The next measure followed."
    sentences = split_sentences(text, [0])
    assert [sentence.text for sentence in sentences] == ["The law was adopted.", "The next measure followed."]


def test_unreadable_files_are_reported_with_their_name(tmp_path):
    binary = tmp_path / "report.txt"
    binary.write_bytes(b"\x00\x01binary")
    with pytest.raises(ReportTextError, match="report.txt: binary"):
        read_text_file(binary)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ReportTextError, match="latin.txt: byte 3 is not UTF-8"):
        read_text_file(latin)
    with pytest.raises(ReportTextError, match="missing.txt: cannot be read"):
        read_text_file(tmp_path / "missing.txt")


def test_words_split_at_line_ends_are_joined():
    (sentence,) = split_sentences("The inte-\ngration programme opened in 2015.", [0])
    assert sentence.text == "The integration programme opened in 2015."


def test_a_sentence_whose_final_year_the_transcription_dropped_still_ends():
    # "... 240,000 people in [2016.] The Ministry ..." as the web transcription has it;
    # "in The Hague" is a place, not a lost year.
    text = "The week had benefited 240,000 people in The Ministry had also opened units in The Hague."
    sentences = split_sentences(text, [0])
    assert [sentence.text for sentence in sentences] == [
        "The week had benefited 240,000 people in",
        "The Ministry had also opened units in The Hague.",
    ]
