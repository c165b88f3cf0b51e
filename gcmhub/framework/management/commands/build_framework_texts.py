"""`gcmhub manage build_framework_texts`: official texts from the shared sources.

Writes ``gcmhub/framework/data/sdg.yaml`` (official SDG target and indicator
titles in English, French and Spanish) and ``data/action_texts_en.md`` (the
official English wording of the actions, for ``framework import-text``) from
the public copies in ``settings.SHARED_DATA_DIR``; see
``gcmhub.framework.official_sources``. Needs no database.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gcmhub.framework.catalogue import DATA_DIR, read_bundle
from gcmhub.framework.official_sources import (
    ACTION_TEXTS_FILE,
    GCM_TEXT,
    SDG_TRANSLATIONS,
    build_sdg_data,
    derive_action_texts,
    dump_sdg_yaml,
    provenance_of,
    read_sdg_translations,
)


class Command(BaseCommand):
    help = "Write the official SDG titles (sdg.yaml) and action texts (action_texts_en.md) from SHARED_DATA_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None, help="Default: settings.SHARED_DATA_DIR.")
        parser.add_argument("--out", type=Path, default=DATA_DIR, help="Default: gcmhub/framework/data/.")

    def handle(self, *args, data_dir=None, out=DATA_DIR, **options):
        data_dir = Path(data_dir or settings.SHARED_DATA_DIR)
        if not (data_dir / SDG_TRANSLATIONS).is_dir() or not (data_dir / GCM_TEXT).is_file():
            raise CommandError(f"The shared data are not in {data_dir} (expected {SDG_TRANSLATIONS}/ and {GCM_TEXT}).")
        provenance = data_dir / "PROVENANCE.md"
        self._sdg(data_dir, out, provenance)
        self._actions(data_dir, out, provenance)

    def _sdg(self, data_dir: Path, out: Path, provenance: Path) -> None:
        path = out / "sdg.yaml"
        current = yaml.safe_load(path.read_text(encoding="utf-8"))
        data, notes = build_sdg_data(current, read_sdg_translations(data_dir / SDG_TRANSLATIONS))
        origin = provenance_of(provenance, f"{SDG_TRANSLATIONS}/", with_path=False) or "open-sdg/sdg-translations"
        data["source"] = (
            "UN global indicator framework (A/RES/71/313 as revised): official English, French and Spanish "
            f"titles as kept by the Open SDG project ({origin}; shared/data/{SDG_TRANSLATIONS}, NFC); "
            "series and their descriptions from the UN SDG database"
        )
        text = _with_edition(data, path, dump_sdg_yaml)
        path.write_text(text, encoding="utf-8")
        for note in notes:
            self.stdout.write(self.style.WARNING(f"Not taken from the source: {note}"))
        self.stdout.write(f"{path}: {len(data['targets'])} targets, {len(data['indicators'])} indicators")

    def _actions(self, data_dir: Path, out: Path, provenance: Path) -> None:
        raw = (data_dir / GCM_TEXT).read_bytes()
        origin = provenance_of(provenance, GCM_TEXT.as_posix()) or "see shared/data/PROVENANCE.md"
        source = (
            f"{GCM_TEXT.name} (sha256 {hashlib.sha256(raw).hexdigest()[:12]}), the iomeval project's "
            f"transcription of A/RES/73/195 ({origin})"
        )
        try:
            derived = derive_action_texts(raw, GCM_TEXT.name, read_bundle(out), source)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = out / ACTION_TEXTS_FILE
        path.write_text(derived.markdown, encoding="utf-8")
        for reason in derived.skipped:
            self.stdout.write(self.style.WARNING(f"Left out: {reason}"))
        self.stdout.write(f"{path}: {len(derived.kept)} objectives")


def _with_edition(data: dict, path: Path, dump) -> str:
    """The new text; the edition changes only when the content does."""
    old_text = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = dump({**data, "edition": str(yaml.safe_load(old_text or "{}").get("edition", ""))})
    if kept == old_text:
        return kept
    return dump({**data, "edition": datetime.date.today().isoformat()})
