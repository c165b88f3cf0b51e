"""The Global Compact's structure and its links to the SDG indicator framework.

Everything here is reference data loaded from ``data/*.yaml`` by
``loader.load_framework()``; nobody edits it through the site. The official
action texts are the one exception: ``gcmhub framework import-text`` fills
them from a copy of the resolution (see ``services.import_official_texts``).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gcmhub.i18n import LocalizedMixin


def sdg_sort_key(code: str) -> str:
    """A string that sorts SDG codes the way the framework lists them.

    Numbers are zero-padded so that 10.7 follows 1.5 and 10.c follows 10.7
    ("07" < "c"), which plain string ordering gets wrong.
    """
    return ".".join(part.zfill(2) if part.isdigit() else part for part in code.split("."))


class Principle(LocalizedMixin, models.Model):
    """One of the ten cross-cutting guiding principles (para 15 (a)–(j))."""

    letter = models.CharField(_("letter"), max_length=1, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    # GCM Hub's own summary of the principle, not the resolution's wording.
    description_en = models.TextField(_("description (English)"))
    description_fr = models.TextField(_("description (French)"))
    description_es = models.TextField(_("description (Spanish)"))

    class Meta:
        ordering = ["letter"]
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")

    def __str__(self) -> str:
        return f"({self.letter}) {self.name_en}"


class Objective(LocalizedMixin, models.Model):
    """One of the 23 objectives (paras 17–39)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    paragraph = models.PositiveSmallIntegerField(_("paragraph of the resolution"), unique=True)
    title_en = models.CharField(_("official title (English)"), max_length=300)
    title_fr = models.CharField(_("official title (French)"), max_length=300)
    title_es = models.CharField(_("official title (Spanish)"), max_length=300)
    short_title_en = models.CharField(_("short title (English)"), max_length=80)
    short_title_fr = models.CharField(_("short title (French)"), max_length=80)
    short_title_es = models.CharField(_("short title (Spanish)"), max_length=80)
    # GCM Hub's own one-sentence summary of the commitment paragraph.
    summary_en = models.TextField(_("summary (English)"))
    summary_fr = models.TextField(_("summary (French)"))
    summary_es = models.TextField(_("summary (Spanish)"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return f"{self.number}. {self.title_en}"

    def get_absolute_url(self) -> str:
        return reverse("framework:objective", args=[self.number])


class Action(LocalizedMixin, models.Model):
    """A lettered action that States draw from to realise an objective."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="actions", verbose_name=_("objective")
    )
    letter = models.CharField(_("letter"), max_length=1)
    # A short title in GCM Hub's own words, always present.
    title_en = models.CharField(_("short title (English)"), max_length=200)
    title_fr = models.CharField(_("short title (French)"), max_length=200)
    title_es = models.CharField(_("short title (Spanish)"), max_length=200)
    # The resolution's wording, present once someone imports it.
    text_en = models.TextField(_("official text (English)"), blank=True)
    text_fr = models.TextField(_("official text (French)"), blank=True)
    text_es = models.TextField(_("official text (Spanish)"), blank=True)
    # Which file (name and checksum) each official text came from.
    text_source_en = models.CharField(_("source of the English text"), max_length=300, blank=True)
    text_source_fr = models.CharField(_("source of the French text"), max_length=300, blank=True)
    text_source_es = models.CharField(_("source of the Spanish text"), max_length=300, blank=True)

    class Meta:
        ordering = ["objective__number", "letter"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [models.UniqueConstraint(fields=["objective", "letter"], name="framework_action_letter")]

    def __str__(self) -> str:
        return f"{self.label} {self.title_en}"

    @property
    def code(self) -> str:
        """Compact reference used in URLs, the API and the CLI: ``"20a"``."""
        return f"{self.objective.number}{self.letter}"

    @property
    def label(self) -> str:
        """Reference as people write it: ``"20 (a)"``."""
        return f"{self.objective.number} ({self.letter})"

    def get_absolute_url(self) -> str:
        return f"{self.objective.get_absolute_url()}#action-{self.code}"


class SdgTarget(LocalizedMixin, models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    goal = models.PositiveSmallIntegerField(_("goal"))
    sort_key = models.CharField(max_length=16, editable=False, db_index=True)
    # GCM Hub's own short wording of the target.
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self) -> str:
        return f"{self.code} {self.title_en}"

    def save(self, *args, **kwargs):
        self.sort_key = sdg_sort_key(self.code)
        super().save(*args, **kwargs)


class SdgIndicator(LocalizedMixin, models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True)
    target = models.ForeignKey(
        SdgTarget, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("target")
    )
    sort_key = models.CharField(max_length=16, editable=False, db_index=True)
    title_en = models.CharField(_("official title (English)"), max_length=500)
    title_fr = models.CharField(_("title (French)"), max_length=500)
    title_es = models.CharField(_("title (Spanish)"), max_length=500)
    custodians = models.CharField(_("custodian agencies"), max_length=200, blank=True)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.title_en}"

    def save(self, *args, **kwargs):
        self.sort_key = sdg_sort_key(self.code)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("framework:indicator", args=[self.code])


class SdgSeries(models.Model):
    """An SDMX series of the SDG database (``SI_RMT_COST``) and its indicator.

    Importers use it to tell which indicator a file's SERIES column reports.
    UNSD publishes series descriptions in English only, so there is one.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    indicator = models.ForeignKey(
        SdgIndicator, on_delete=models.PROTECT, related_name="series", verbose_name=_("indicator")
    )
    description = models.CharField(_("description (English)"), max_length=500)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SDG series")
        verbose_name_plural = _("SDG series")

    def __str__(self) -> str:
        return self.code


class ObjectiveIndicator(models.Model):
    """An SDG indicator that informs progress on an objective.

    The links are GCM Hub's editorial proposal (docs/framework.md), not an
    official UN mapping; no official GCM indicator list has been published
    in a machine-readable form yet.
    """

    class Relevance(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        CONTEXTUAL = "contextual", _("Contextual")

    class PolicyDomain(models.TextChoices):
        # The six policy domains of SDG indicator 10.7.2, coded as in the
        # COMPOSITE_BREAKDOWN dimension of the SDG data structure.
        NONE = "", _("Whole indicator")
        MIGRANT_RIGHTS = "PD_1", _("Migrant rights")
        WHOLE_OF_GOVERNMENT = "PD_2", _("Whole-of-government, evidence-based policies")
        COOPERATION = "PD_3", _("Cooperation and partnerships")
        WELL_BEING = "PD_4", _("Socioeconomic well-being")
        CRISES = "PD_5", _("Mobility dimensions of crises")
        SAFE_MIGRATION = "PD_6", _("Safe, orderly and regular migration")

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicator_links", verbose_name=_("objective")
    )
    indicator = models.ForeignKey(
        SdgIndicator, on_delete=models.CASCADE, related_name="objective_links", verbose_name=_("indicator")
    )
    relevance = models.CharField(_("relevance"), max_length=10, choices=Relevance.choices)
    # Blank means the whole indicator; a code narrows 10.7.2 to one domain.
    policy_domain = models.CharField(
        _("policy domain"), max_length=4, choices=PolicyDomain.choices, blank=True, default=""
    )

    class Meta:
        # "primary" sorts after "contextual", hence -relevance: primary first.
        ordering = ["objective__number", "-relevance", "indicator__sort_key", "policy_domain"]
        verbose_name = _("objective–indicator link")
        verbose_name_plural = _("objective–indicator links")
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "indicator", "policy_domain"], name="framework_objective_indicator"
            )
        ]

    def __str__(self) -> str:
        domain = f" {self.policy_domain}" if self.policy_domain else ""
        return f"{self.objective.number} → {self.indicator.code}{domain} ({self.relevance})"
