"""Offline extraction of candidate good practices from report text.

Entry points::

    pages = read_text_file("report.txt")        # plain text with inline page numbers
    candidates = extract_candidates(pages)      # list[Candidate]

The method (pages, speakers, places, concrete measures, objectives, stage) is
described in docs/practices.md ("Extracting practices from reports"). Nothing here touches the
database or the network.
"""

from gcmhub.practices.extraction.extractor import Candidate, extract_candidates
from gcmhub.practices.extraction.pages import ReportTextError, read_text_file, split_pages

__all__ = ["Candidate", "ReportTextError", "extract_candidates", "read_text_file", "split_pages"]
