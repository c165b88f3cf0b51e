"""Derive the framework's official texts from the published sources (no database).

``gcmhub manage build_framework_texts`` uses this module to write two
committed files from the public copies in ``SHARED_DATA_DIR``:

* ``data/sdg.yaml``: the titles of the SDG targets and indicators in English,
  French and Spanish, from the UN's official versions of the global indicator
  framework as kept by the Open SDG project (``sdg-translations/``). Codes,
  custodians and series stay as they are in the file.
* ``data/action_texts_en.md``: the official English wording of the actions,
  from the public transcription of A/RES/73/195 (``gcm/``), in the layout
  ``gcmhub framework import-text`` reads, leaving out every objective whose
  title or actions do not match the Compact (objective 20 in that copy).

The tests compare the committed files and the loaded titles with the same
sources, so a hand edit that drifts from them fails.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gcmhub.framework.catalogue import Bundle
from gcmhub.framework.official_text import ParsedObjective, comparable_title, parse_official_text
from gcmhub.i18n import SUPPORTED as LANGUAGES

SDG_TRANSLATIONS = "sdg-translations"
SDG_KINDS = ("targets", "indicators")
GCM_TEXT = Path("gcm") / "gcm_objectives_actions_long.md"
ACTION_TEXTS_FILE = "action_texts_en.md"

# Translations in the source that must not be taken as official although the
# English beside them is current (shared/data/PROVENANCE.md, sdg-translations
# caveat 2). They stay as GCM Hub wrote them and are flagged unverified.
KNOWN_STALE = {
    ("13.2.1", "fr"): "the French title in the source translates an earlier English title of 13.2.1",
    ("13.2.1", "es"): "the Spanish title in the source was edited by a volunteer after the import from UNSD",
}

SDG_HEADER = """\
# Migration-related SDG targets and indicators, and the SDMX series of the
# UN SDG database that report them.
#
# WRITTEN BY `gcmhub manage build_framework_texts`: do not edit the titles by
# hand. targets.title and indicators.title are the official titles of the UN
# global indicator framework (A/RES/71/313 as revised) in English, French and
# Spanish, taken from the source named below and normalised to NFC.
# `unverified` lists the languages whose title could not be taken from the
# source (see docs/framework.md): their text is GCM Hub's and pages mark it.
# Codes, custodians (for display only) and series (SDMX series code -> UNSD
# series description, English only) are edited here and kept by the command.
# A code repeated under two targets (1.5.1 and 13.1.1, 10.3.1 and 16.b.1) is
# listed twice, as the global framework does.
#
# Header (every framework file): schema_version is the layout of the file, which
# GCM Hub checks (it reads version 1); edition dates this version of the content;
# source says where the content comes from.

"""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split()))


def sdg_key(code: str) -> str:
    """``10.7.2`` → ``10-7-2-title``, the key of the Open SDG translation files."""
    return code.replace(".", "-") + "-title"


def read_sdg_translations(folder: Path) -> dict[str, dict[str, str]]:
    """{language: {key: title}} for targets and indicators, in NFC."""
    titles: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        titles[language] = {}
        for kind in SDG_KINDS:
            path = folder / language / f"global_{kind}.yml"
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            titles[language].update({str(key): nfc(value) for key, value in data.items() if isinstance(value, str)})
    return titles


@dataclass
class SdgTitles:
    """The official title of one target or indicator and what could not be taken."""

    title: dict[str, str]
    unverified: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)


def official_sdg_titles(
    code: str, current: dict[str, str], titles: dict[str, dict[str, str]], *, english_is_current: bool
) -> SdgTitles:
    """The titles to store for ``code``, given the file's ``current`` titles.

    ``english_is_current``: the file's English title follows the current
    framework (true of indicators). Where the source's English differs, the
    source translates another version, so nothing is taken from it and the
    translations are flagged. Targets carry no English worth keeping, so
    their English comes from the source.
    """
    key = sdg_key(code)
    source = {language: titles[language].get(key, "") for language in LANGUAGES}
    if not source["en"]:
        return SdgTitles(dict(current), ("fr", "es"), [f"{code}: not in the source"])
    if english_is_current and source["en"] != nfc(current["en"]):
        reason = f"{code}: the English title of the source differs from the current framework"
        return SdgTitles(dict(current), ("fr", "es"), [reason])
    result = SdgTitles({"en": source["en"]})
    unverified = []
    for language in ("fr", "es"):
        stale = KNOWN_STALE.get((code, language))
        if stale or not source[language]:
            result.title[language] = current[language]
            unverified.append(language)
            result.reasons.append(f"{code} ({language}): {stale or 'not in the source'}")
        else:
            result.title[language] = source[language]
    result.unverified = tuple(unverified)
    return result


def build_sdg_data(current: dict, titles: dict[str, dict[str, str]]) -> tuple[dict, list[str]]:
    """The content of sdg.yaml with official titles, and why some were not taken."""
    notes: list[str] = []
    data = {key: current[key] for key in ("schema_version", "edition", "source")}
    for kind in SDG_KINDS:
        entries = []
        for entry in current[kind]:
            found = official_sdg_titles(
                str(entry["code"]), entry["title"], titles, english_is_current=(kind == "indicators")
            )
            notes += found.reasons
            rebuilt = {"code": str(entry["code"]), "title": found.title}
            if found.unverified:
                rebuilt["unverified"] = list(found.unverified)
            rebuilt.update({key: value for key, value in entry.items() if key not in ("code", "title", "unverified")})
            entries.append(rebuilt)
        data[kind] = entries
    return data, notes


class _Quoted(str):
    """A code written in double quotes, so that 10.10 is never read as a number."""


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the hand-written framework files are."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"'))


def dump_sdg_yaml(data: dict) -> str:
    data = {
        **data,
        "edition": _Quoted(data["edition"]),
        **{kind: [{**entry, "code": _Quoted(entry["code"])} for entry in data[kind]] for kind in SDG_KINDS},
    }
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    return SDG_HEADER + body.replace("\nindicators:", "\n\nindicators:")


# --- The official wording of the actions ------------------------------------------------


@dataclass
class ActionTexts:
    markdown: str
    kept: list[int]
    skipped: list[str]


def derive_action_texts(raw: bytes, file_name: str, bundle: Bundle, source: str) -> ActionTexts:
    """The objectives of a transcription that match the Compact, in import layout.

    An objective is kept when its title is the official English title and it
    has exactly the Compact's actions, the same test ``import-text`` applies.
    """
    parsed, problems = parse_official_text(raw.decode("utf-8-sig"), file_name)
    if problems:
        raise ValueError("; ".join(str(problem) for problem in problems))
    objectives = {objective.number: objective for objective in bundle.objectives}
    kept: list[ParsedObjective] = []
    skipped: list[str] = []
    for item in parsed:
        expected = objectives.get(item.number)
        if expected is None:
            skipped.append(f"objective {item.number}: not an objective of the Compact")
        elif comparable_title(item.title) != comparable_title(expected.title["en"]):
            skipped.append(f"objective {item.number}: the title is not the official title (“{item.title}”)")
        elif sorted(action.letter for action in item.actions) != [action.letter for action in expected.actions]:
            skipped.append(f"objective {item.number}: the actions are not the Compact's")
        else:
            kept.append(item)
    lines = [
        "<!--",
        "Official English wording of the actions of the Global Compact for Safe, Orderly and",
        "Regular Migration (A/RES/73/195, annex), for `gcmhub framework import-text`.",
        "WRITTEN BY `gcmhub manage build_framework_texts`; do not edit by hand.",
        f"Source: {source}.",
        "Spacing lost in the PDF extraction is restored (\"statistics,including\").",
    ]
    lines += [f"Left out: {reason}." for reason in skipped]
    lines += ["-->", ""]
    for item in kept:
        lines += [f"# Objective {item.number}", f"## Title: {objectives[item.number].title['en']}", "## Associated actions"]
        lines += [f"- {action.letter}. {action.text}" for action in sorted(item.actions, key=lambda a: a.letter)]
        lines.append("")
    return ActionTexts("\n".join(lines), [item.number for item in kept], skipped)


_PROVENANCE_COMMIT = re.compile(r"`(?P<repo>[^`]+)`\s*:\s*`(?P<path>[^`]+)`\s*@\s*`(?P<commit>[0-9a-f]+)`")


def provenance_of(provenance_md: Path, file_prefix: str, *, with_path: bool = True) -> str:
    """``repo : path @ commit`` of the first PROVENANCE.md row about ``file_prefix``."""
    if not provenance_md.is_file():
        return ""
    for line in provenance_md.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| `{file_prefix}"):
            match = _PROVENANCE_COMMIT.search(line)
            if match:
                where = f" : {match['path']}" if with_path else ""
                return f"{match['repo']}{where} @ {match['commit']}"
    return ""
