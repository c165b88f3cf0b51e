"""The disaggregation code lists GCM Hub starts with (SDG DSD, METHODS §8).

``seed(Dimension, DimensionCode)`` creates or completes them; the data
migration calls it with the historical models, and tests may call it with
the real ones. It never removes codes an import has added.

Rules (docs/indicators.md, "Dimensions"):

* SEX, URBANISATION, REPORTING_TYPE and POLICY_DOMAIN are **closed**: a code
  outside the list is refused ("unknown dimension code").
* AGE is open with a **pattern**: SDMX age codes (``Y15T24``, ``Y_GE65``,
  ``Y0``, ``_U``…) are added on first use; anything else is refused.
* COMPOSITE_BREAKDOWN and every other SDMX dimension are **open**: the SDG
  database keeps adding codes (``HZT_*``, ``NOWORK``…), so new ones are added
  on import and listed in the import report.
* A dimension a file brings that is not in the list (an Open SDG column such
  as "Destination countries") is created open, named after the column.
"""

from __future__ import annotations

AGE_PATTERN = r"^(Y\d+(T\d+)?|Y_(GE|GT|LE|LT)\d+|M\d+T\d+|_[TUXZN])$"

# code: (English, French, Spanish, closed, pattern, codes)
DIMENSIONS: dict[str, tuple] = {
    "SEX": (
        "Sex", "Sexe", "Sexo", True, "",
        {
            "F": ("Female", "Femmes", "Mujeres"),
            "M": ("Male", "Hommes", "Hombres"),
            "_T": ("Total", "Total", "Total"),
            "_U": ("Unknown", "Inconnu", "Desconocido"),
        },
    ),
    "AGE": (
        "Age", "Âge", "Edad", False, AGE_PATTERN,
        {
            "_T": ("All ages", "Tous âges", "Todas las edades"),
            "Y0T14": ("0–14 years", "0–14 ans", "0–14 años"),
            "Y15T24": ("15–24 years", "15–24 ans", "15–24 años"),
            "Y15T64": ("15–64 years", "15–64 ans", "15–64 años"),
            "Y25T64": ("25–64 years", "25–64 ans", "25–64 años"),
            "Y_GE15": ("15 years and over", "15 ans et plus", "15 años y más"),
            "Y_GE65": ("65 years and over", "65 ans et plus", "65 años y más"),
            "Y_LT18": ("Under 18 years", "Moins de 18 ans", "Menores de 18 años"),
            "_U": ("Unknown", "Inconnu", "Desconocida"),
        },
    ),
    "URBANISATION": (
        "Urbanisation", "Urbanisation", "Urbanización", True, "",
        {
            "U": ("Urban", "Urbain", "Urbana"),
            "R": ("Rural", "Rural", "Rural"),
            "_T": ("All areas", "Toutes zones", "Todas las zonas"),
        },
    ),
    "REPORTING_TYPE": (
        "Reporting type", "Type de déclaration", "Tipo de informe", True, "",
        {
            "G": ("Global", "Mondial", "Mundial"),
            "N": ("National", "National", "Nacional"),
            "R": ("Regional", "Régional", "Regional"),
        },
    ),
    "COMPOSITE_BREAKDOWN": (
        "Composite breakdown", "Ventilation composite", "Desglose compuesto", False, "",
        {
            "_T": ("Total", "Total", "Total"),
            "MS_MIGRANT": ("Migrants", "Migrants", "Migrantes"),
            "MS_NOMIGRANT": ("Non-migrants", "Non-migrants", "No migrantes"),
            "MS_EUMIGRANT": ("EU migrants", "Migrants de l’UE", "Migrantes de la UE"),
            "MS_NONEUMIGRANT": ("Non-EU migrants", "Migrants hors UE", "Migrantes de fuera de la UE"),
            "PD_1": ("Migrant rights", "Droits des migrants", "Derechos de los migrantes"),
            "PD_2": (
                "Whole-of-government, evidence-based policies",
                "Approche pangouvernementale, politiques fondées sur des données",
                "Enfoque pangubernamental, políticas basadas en datos empíricos",
            ),
            "PD_3": ("Cooperation and partnerships", "Coopération et partenariats", "Cooperación y alianzas"),
            "PD_4": ("Socioeconomic well-being", "Bien-être socioéconomique", "Bienestar socioeconómico"),
            "PD_5": (
                "Mobility dimensions of crises",
                "Dimensions des crises liées à la mobilité",
                "Dimensiones de movilidad de las crisis",
            ),
            "PD_6": (
                "Safe, orderly and regular migration",
                "Migrations sûres, ordonnées et régulières",
                "Migración segura, ordenada y regular",
            ),
        },
    ),
    "POLICY_DOMAIN": (
        "Policy domain (SDG 10.7.2)", "Domaine d’action (ODD 10.7.2)", "Ámbito normativo (ODS 10.7.2)",
        True, "",
        {},  # filled below from the composite breakdown's PD_* codes
    ),
}  # fmt: skip

for _code in ("PD_1", "PD_2", "PD_3", "PD_4", "PD_5", "PD_6"):
    DIMENSIONS["POLICY_DOMAIN"][5][_code] = DIMENSIONS["COMPOSITE_BREAKDOWN"][5][_code]

# The other dimensions of the SDG data structure: open, no codes yet.
OTHER_SDMX = {
    "INCOME_WEALTH_QUANTILE": ("Income or wealth quantile", "Quantile de revenu ou de richesse", "Cuantil de ingreso o riqueza"),
    "EDUCATION_LEV": ("Education level", "Niveau d’instruction", "Nivel educativo"),
    "OCCUPATION": ("Occupation", "Profession", "Ocupación"),
    "CUST_BREAKDOWN": ("Custodian breakdown", "Ventilation du garant", "Desglose del custodio"),
    "DISABILITY_STATUS": ("Disability status", "Situation de handicap", "Situación de discapacidad"),
    "ACTIVITY": ("Economic activity", "Activité économique", "Actividad económica"),
    "PRODUCT": ("Product", "Produit", "Producto"),
}  # fmt: skip


def seed(Dimension, DimensionCode) -> tuple[int, int]:  # noqa: N803 - model classes
    """Create the dimensions and codes that are missing; (dimensions, codes) created."""
    made_dimensions = made_codes = 0
    for code, (en, fr, es, closed, pattern, codes) in DIMENSIONS.items():
        dimension, created = Dimension.objects.get_or_create(
            code=code,
            defaults=dict(name_en=en, name_fr=fr, name_es=es, closed=closed, code_pattern=pattern, is_sdmx=True),
        )
        made_dimensions += created
        existing = set(DimensionCode.objects.filter(dimension=dimension).values_list("code", flat=True))
        new = [
            DimensionCode(dimension=dimension, code=value, name_en=names[0], name_fr=names[1], name_es=names[2])
            for value, names in codes.items()
            if value not in existing
        ]
        DimensionCode.objects.bulk_create(new)
        made_codes += len(new)
    for code, (en, fr, es) in OTHER_SDMX.items():
        _dimension, created = Dimension.objects.get_or_create(
            code=code, defaults=dict(name_en=en, name_fr=fr, name_es=es, is_sdmx=True)
        )
        made_dimensions += created
    return made_dimensions, made_codes
