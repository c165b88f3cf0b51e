"""A synthetic report of the full Voluntary GCM Review's shape, for the
renderers' tests and timing (benchmarks/bench_render.py).

Objective titles are the official ones from the framework data; everything
else is invented filler, and the document says so in its demo notice. It is
never shown to users as a report.
"""

from __future__ import annotations

from gcmhub.reports.document import (
    BulletList,
    Chart,
    Note,
    Paragraph,
    ReportDocument,
    Section,
    Source,
    Table,
)

WORDS = {
    "en": {
        "objective": "Objective",
        "title": "Voluntary GCM Review",
        "subtitle": "Implementation of the Global Compact for Migration",
        "area": "Demoland",
        "date": "4 December 2026",
        "demo": "Invented sample content for testing the renderers; not real data.",
        "methodology": "Methodology and consultation",
        "year": "Year",
        "value": "Value",
        "chart": "Indicator values by year",
        "alt": "Bar chart: the indicator rises from 12.5 in 2019 to 20.5 in 2023.",
        "rating": "Rating",
        "developing": "Developing",
        "narrative": "The government reports steady progress.\n\nA second paragraph of the narrative.",
        "note": "No scorecard data for this objective.",
        "commitments": "Commitments",
        "sources": "Source",
    },
    "fr": {
        "objective": "Objectif",
        "title": "Examen volontaire du Pacte mondial",
        "subtitle": "Mise en œuvre du Pacte mondial pour des migrations sûres",
        "area": "Démolande",
        "date": "4 décembre 2026",
        "demo": "Contenu d’exemple inventé pour tester les rendus ; données fictives.",
        "methodology": "Méthodologie et consultation",
        "year": "Année",
        "value": "Valeur",
        "chart": "Valeurs de l’indicateur par année",
        "alt": "Diagramme en barres : l’indicateur passe de 12,5 en 2019 à 20,5 en 2023.",
        "rating": "Appréciation",
        "developing": "En développement",
        "narrative": "Le gouvernement fait état de progrès réguliers à Genève, où l’été fut chargé.\n\n"
        "Deuxième paragraphe : « œuvre », « Noël », « déjà ».",
        "note": "Aucune donnée de tableau de bord pour cet objectif.",
        "commitments": "Engagements",
        "sources": "Source",
    },
    "es": {
        "objective": "Objetivo",
        "title": "Examen voluntario del Pacto Mundial",
        "subtitle": "Aplicación del Pacto Mundial para una Migración Segura",
        "area": "Demolandia",
        "date": "4 de diciembre de 2026",
        "demo": "Contenido de ejemplo inventado para probar los formatos; datos ficticios.",
        "methodology": "Metodología y consulta",
        "year": "Año",
        "value": "Valor",
        "chart": "Valores del indicador por año",
        "alt": "Gráfico de barras: el indicador sube de 12,5 en 2019 a 20,5 en 2023.",
        "rating": "Calificación",
        "developing": "En desarrollo",
        "narrative": "El gobierno informa de un progreso constante en la región; ¿años difíciles? ¡Sí!\n\n"
        "Segundo párrafo: niño, acción, pingüino.",
        "note": "No hay datos de cuadro de mando para este objetivo.",
        "commitments": "Compromisos",
        "sources": "Fuente",
    },
}

# Text people may type that means something to typst, HTML or XML.
TRICKY = (
    "#set text(red) $x^2$ *bold* _it_ @ref <lab> [a] \\ `code` // no comment /* x */ "
    '<script>alert("x")</script> &amp; & < > " \' = - + ~ #{1+1}'
)


def objective_titles(language: str) -> dict[int, str]:
    from gcmhub.framework.catalogue import read_bundle

    return {entry.number: entry.title[language] for entry in read_bundle().objectives}


def sample_document(language: str = "en", *, objectives: int = 23, tricky: bool = False) -> ReportDocument:
    """A report with every block kind: a chart (with its table), tables, bullets,
    notes, narratives and numbered sources, in ``language``."""
    words = WORDS[language]
    titles = objective_titles(language)
    years = [2019, 2020, 2021, 2022, 2023]
    extra = f" {TRICKY}" if tricky else ""
    sections = [
        Section(
            key="methodology",
            title=words["methodology"] + extra,
            blocks=[
                Paragraph(words["narrative"].split("\n\n")[0] + extra),
                BulletList([f"{words['commitments']} 1{extra}", f"{words['commitments']} 2"]),
            ],
            narrative=words["narrative"] + (f"\n\n{TRICKY}" if tricky else ""),
        )
    ]
    for number in range(1, objectives + 1):
        values = [round(10 + number / 2 + index * 2, 1) for index in range(len(years))]
        if language != "en":
            shown = [f"{value:.1f}".replace(".", ",") for value in values]
        else:
            shown = [f"{value:.1f}" for value in values]
        data_table = Table(
            caption=f"{words['chart']} ({words['objective']} {number})",
            columns=[words["year"], words["value"]],
            rows=[[str(year), value] for year, value in zip(years, shown, strict=True)],
            sources=[1],
        )
        spec = {
            "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
            "description": words["alt"],
            "data": {"values": [{"year": str(y), "value": v} for y, v in zip(years, values, strict=True)]},
            "mark": "bar",
            "width": 420,
            "height": 180,
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": words["year"], "axis": {"labelAngle": 0}},
                "y": {"field": "value", "type": "quantitative", "title": words["value"]},
            },
        }
        blocks = [
            Paragraph(f"{words['objective']} {number}: {words['narrative'].splitlines()[0]}{extra}"),
            Chart(caption=words["chart"] + extra, vega_lite=spec, alt_text=words["alt"], table=data_table),
            Table(
                caption=f"{words['commitments']}{extra}",
                columns=["#", words["commitments"], words["rating"]],
                rows=[[str(i), f"{words['commitments']} {number}.{i}{extra}", words["developing"]] for i in (1, 2, 3)],
                sources=[1, 2],
            ),
        ]
        if number % 5 == 0:
            blocks.append(Note(words["note"] + extra))
        sections.append(
            Section(
                key=f"objective-{number}",
                title=f"{words['objective']} {number} — {titles[number]}",
                blocks=blocks,
                narrative=words["narrative"] + (f"\n{TRICKY}" if tricky else ""),
                subsections=(
                    [Section(key=f"objective-{number}-practices", title=f"{words['commitments']} ({number})",
                             blocks=[BulletList([words["developing"]])])]
                    if number == 1 else []
                ),
            )
        )
    return ReportDocument(
        kind="vgr",
        language=language,
        title=words["title"] + (f" {TRICKY}" if tricky else ""),
        subtitle=words["subtitle"],
        area_code="DML",
        area_name=words["area"],
        date_label=words["date"],
        sections=sections,
        sources=[
            Source(1, f"{words['sources']} 1{extra}", "https://example.org/data?x=1&y=2", "UN DESA, 2024"),
            Source(2, f"{words['sources']} 2", "javascript:alert(1)", "Ministry"),
        ],
        demo_notice=words["demo"],
    )
