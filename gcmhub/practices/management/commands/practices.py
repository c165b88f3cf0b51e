"""``gcmhub practices extract FILE [--format jsonl|text] [--explain] [--semantic|--no-semantic]``.

Reads a report and prints the candidate practices found in it, one JSON
object per line (the default) with the keys ``area``, ``actor``,
``speaker``, ``page``, ``summary``, ``objectives``, ``stage``,
``confidence`` and ``span`` — see docs/practices.md ("Extracting practices from reports"). Works
offline and without a database.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gcmhub.practices.extraction import ReportTextError, extract_candidates, read_text_file

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


class Command(BaseCommand):
    help = "Good practices: extract FILE proposes the practices a report describes."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        extract = subcommands.add_parser(
            "extract", help="Print candidate practices found in a report, one JSON object per line."
        )
        extract.add_argument("file", type=Path, help="Report: plain text with inline page numbers or form feeds.")
        extract.add_argument("--format", choices=("jsonl", "text"), default="jsonl", help="Output format (jsonl).")
        extract.add_argument(
            "--explain", action="store_true", help="Add the terms that decided each objective and the measure words."
        )
        semantic = extract.add_mutually_exclusive_group()
        semantic.add_argument(
            "--semantic", dest="semantic", action="store_true", default=None,
            help="Re-rank objectives with the optional semantic extra (an error if it is not installed).",
        )
        semantic.add_argument(
            "--no-semantic", dest="semantic", action="store_false", help="Keyword-only, even if the extra is installed."
        )

        subcommands.add_parser(
            "reindex", help="Rebuild the search index of practices and documents (after bulk writes)."
        )

    def handle(self, *args, **options):
        if options["subcommand"] == "extract":
            self._extract(options)
        elif options["subcommand"] == "reindex":
            from gcmhub.practices.search import rebuild_index

            from gcmhub.practices.models import Practice
            from gcmhub.practices.search import semantic

            practices, documents = rebuild_index()
            self.stdout.write(
                _("Search index rebuilt: %(practices)d practices, %(documents)d documents.")
                % {"practices": practices, "documents": documents}
            )
            if semantic.enabled():
                computed = semantic.store_vectors(Practice.objects.values_list("pk", flat=True))
                self.stdout.write(
                    _("Embeddings (semantic extra): %(count)d practices embedded again.") % {"count": computed}
                )
            else:
                self.stdout.write(_("Semantic extra not installed: keyword search only."))

    def _extract(self, options: dict) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": path}, returncode=2)
        if options["semantic"]:
            from gcmhub.practices.extraction import semantic

            if not semantic.available():
                raise CommandError(
                    _("--semantic needs the optional extra: pip install 'gcmhub[semantic]'"), returncode=2
                )
        pages = self._pages(path)
        candidates = extract_candidates(pages, use_semantic=options["semantic"])
        for candidate in candidates:
            if options["format"] == "jsonl":
                self.stdout.write(json.dumps(candidate.to_json(explain=options["explain"]), ensure_ascii=False))
            else:
                self.stdout.write(self._as_text(candidate, options["explain"]))
        self.stderr.write(
            _("%(count)d candidates from %(pages)d pages of %(file)s")
            % {"count": len(candidates), "pages": len(pages), "file": path.name}
        )

    def _pages(self, path: Path) -> list[str]:
        try:
            if path.suffix.lower() in TEXT_SUFFIXES:
                return read_text_file(path)
            return self._document_pages(path)
        except ReportTextError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _document_pages(self, path: Path) -> list[str]:
        """PDF, DOCX and HTML go through the document library's readers when it is installed."""
        try:
            documents = importlib.import_module("gcmhub.practices.documents")
            reader = getattr(documents, "read_pages")
        except (ImportError, AttributeError):
            raise CommandError(
                _("%(file)s: only plain-text reports can be read here; upload PDF, DOCX or HTML to the document library")
                % {"file": path.name},
                returncode=2,
            ) from None
        return list(reader(path))

    @staticmethod
    def _as_text(candidate, explain: bool) -> str:
        objectives = ", ".join(str(number) for number in candidate.objectives)
        line = (
            f"p.{candidate.page}  {candidate.area or '-'}  {candidate.actor}"
            f"{'  (' + candidate.speaker + ')' if candidate.speaker else ''}\n"
            f"    objectives {objectives}; stage {candidate.stage}; confidence {candidate.confidence:.2f}\n"
            f"    {candidate.summary}"
        )
        if explain:
            terms = "; ".join(f"{number}: {', '.join(words)}" for number, words in candidate.objective_terms.items())
            line += f"\n    terms {terms}"
        return line
