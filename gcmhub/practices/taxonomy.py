"""The codes a practice uses for the people it serves and the situations of
vulnerability it addresses.

Kept here, with translatable labels, until the protection app owns a shared
taxonomy of situations of vulnerability (GCM objective 7); the codes are
what the API and the database store, so they must not change meaning.
"""

from django.utils.translation import gettext_lazy as _

POPULATION_GROUPS = {
    "children": _("Children"),
    "unaccompanied_children": _("Unaccompanied and separated children"),
    "youth": _("Young people"),
    "women": _("Women and girls"),
    "migrant_workers": _("Migrant workers"),
    "domestic_workers": _("Domestic workers"),
    "victims_of_trafficking": _("Victims of trafficking"),
    "smuggled_migrants": _("Smuggled migrants"),
    "displaced_persons": _("Displaced persons"),
    "refugees_asylum_seekers": _("Refugees and asylum seekers"),
    "returnees": _("Returning migrants"),
    "diaspora": _("Diaspora"),
    "students": _("International students"),
    "older_persons": _("Older persons"),
    "persons_with_disabilities": _("Persons with disabilities"),
    "migrants_in_detention": _("Migrants in detention"),
    "irregular_migrants": _("Migrants in an irregular situation"),
    "host_communities": _("Host communities"),
}

VULNERABILITY_FACTORS = {
    "age": _("Age"),
    "gender": _("Gender"),
    "disability": _("Disability"),
    "health": _("Health condition"),
    "irregular_status": _("Irregular status"),
    "lack_of_documents": _("Lack of identity documents"),
    "exploitation": _("Exploitation and abuse at work"),
    "violence": _("Violence, including gender-based violence"),
    "detention": _("Detention"),
    "family_separation": _("Family separation"),
    "poverty": _("Poverty and debt"),
    "language": _("Language barriers"),
    "discrimination": _("Discrimination and xenophobia"),
    "disasters_climate": _("Disasters and climate change"),
    "conflict": _("Armed conflict"),
}


def labels(codes, taxonomy: dict) -> list[str]:
    return [str(taxonomy.get(code, code)) for code in codes]
