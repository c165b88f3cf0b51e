"""The Global Compact's structure and its links to the SDG indicator framework.

Besides the principles, objectives and actions, the app holds the Compact's
implementation and follow-up arrangements (capacity-building mechanism, UN
Network on Migration, International Migration Review Forum, regional and
national reviews), IOM's Migration Governance Framework (MiGOF) and the six
policy domains of SDG indicator 10.7.2.

Everything here is reference data loaded from ``data/*.yaml`` by
``loader.load_framework()``; nobody edits it through the site. The official
action texts are the one exception: ``gcmhub framework import-text`` fills
them from a copy of the resolution (see ``services.import_official_texts``).
"""

import datetime

from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, ngettext
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
    # Languages whose title has not been checked against an official text
    # ("fr", "es"); pages mark them (see docs/framework.md).
    unverified = models.JSONField(_("languages not checked against an official text"), default=list, blank=True)
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
    # The official title (UN global indicator framework, A/RES/71/313).
    title_en = models.CharField(_("official title (English)"), max_length=1000)
    title_fr = models.CharField(_("official title (French)"), max_length=1000)
    title_es = models.CharField(_("official title (Spanish)"), max_length=1000)
    # Languages whose title has not been checked against an official text
    # ("fr", "es"); pages mark them (see docs/framework.md).
    unverified = models.JSONField(_("languages not checked against an official text"), default=list, blank=True)

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
    # Languages whose title has not been checked against an official text
    # ("fr", "es"); pages mark them (see docs/framework.md).
    unverified = models.JSONField(_("languages not checked against an official text"), default=list, blank=True)
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


# The follow-up calendar runs to the horizon of the 2030 Agenda: the IMRF
# meets every four years from 2022, so 2022, 2026 and 2030.
CALENDAR_UNTIL = 2030


class FollowUpElement(LocalizedMixin, models.Model):
    """A part of how the Compact is implemented (paras 40–47) or followed up
    and reviewed (paras 48–54): the capacity-building mechanism and its three
    parts, the UN Network on Migration, the IMRF, regional reviews …

    Names and descriptions are GCM Hub's own wording; ``unconfirmed`` lists the
    facts (``"paragraphs"``) that reference/METHODS.md does not confirm.
    """

    class Kind(models.TextChoices):
        IMPLEMENTATION = "implementation", _("Implementation")
        FOLLOW_UP = "follow-up", _("Follow-up and review")

    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
    )
    # Paragraph references of the annex, e.g. ["43"] or ["43 (b)"].
    paragraphs = models.JSONField(_("paragraphs of the resolution"), default=list)
    unconfirmed = models.JSONField(_("facts still to confirm"), default=list, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    description_en = models.TextField(_("description (English)"))
    description_fr = models.TextField(_("description (French)"))
    description_es = models.TextField(_("description (Spanish)"))
    coordinator_en = models.CharField(_("coordinator (English)"), max_length=120, blank=True)
    coordinator_fr = models.CharField(_("coordinator (French)"), max_length=120, blank=True)
    coordinator_es = models.CharField(_("coordinator (Spanish)"), max_length=120, blank=True)
    # The entities on its executive committee: [{"en": "ILO", "fr": "OIT", "es": "OIT"}, …].
    executive_committee = models.JSONField(_("executive committee"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Schedule: every ``schedule_every`` years from ``schedule_first_year``,
    # or, with ``schedule_between``, every year from ``schedule_first_year``
    # in which that other element does not meet.
    schedule_first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    schedule_every = models.PositiveSmallIntegerField(_("every (years)"), null=True, blank=True)
    schedule_between = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in the years between"),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("implementation or follow-up element")
        verbose_name_plural = _("implementation and follow-up elements")

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return f"{reverse('framework:follow-up')}#{self.slug}"

    @property
    def paragraphs_confirmed(self) -> bool:
        return "paragraphs" not in self.unconfirmed

    @property
    def has_schedule(self) -> bool:
        return bool(self.schedule_every or self.schedule_between_id)

    def scheduled_years(self, until: int = CALENDAR_UNTIL) -> list[int]:
        """The years in which the element meets, up to ``until``.

        Empty when the file gives no first year (a body that meets "every
        year" without a known start). ``schedule_between`` must be loaded
        (``select_related``) to avoid a query.
        """
        first = self.schedule_first_year
        if first is None:
            return []
        if self.schedule_between_id:
            taken = set(self.schedule_between.scheduled_years(until))
            return [year for year in range(first, until + 1) if year not in taken]
        if self.schedule_every:
            return list(range(first, until + 1, self.schedule_every))
        return [first] if first <= until else []

    def schedule_text(self) -> str:
        """The schedule in words, in the active language ("" without one)."""
        first, every = self.schedule_first_year, self.schedule_every
        if self.schedule_between_id and first:
            return gettext("From %(first)d, in the years between meetings of: %(other)s") % {
                "first": first,
                "other": self.schedule_between.tr("name"),
            }
        if every and first:
            return ngettext("Every year from %(first)d", "Every %(count)d years from %(first)d", every) % {
                "count": every,
                "first": first,
            }
        if every:
            return ngettext("Every year", "Every %(count)d years", every) % {"count": every}
        return ""

    def executive_committee_names(self) -> list[str]:
        """The executive committee's members in the active language."""
        from gcmhub.i18n import current_language

        language = current_language()
        return [member.get(language) or member.get("en", "") for member in self.executive_committee]


class FollowUpMilestone(LocalizedMixin, models.Model):
    """A dated event of an element: the Migration MPTF becoming operational,
    a report of the Secretary-General, the first IMRF …"""

    element = models.ForeignKey(
        FollowUpElement, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("element")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # "2019", "2019-05" or "2022-05-17"; ``year`` is its first four digits.
    date = models.CharField(_("date"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    symbol = models.CharField(_("UN document symbol"), max_length=40, blank=True)
    label_en = models.TextField(_("label (English)"))
    label_fr = models.TextField(_("label (French)"))
    label_es = models.TextField(_("label (Spanish)"))
    # Facts ("date", "symbol") that reference/METHODS.md does not confirm.
    unconfirmed = models.JSONField(_("facts still to confirm"), default=list, blank=True)

    class Meta:
        ordering = ["element__position", "position"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["element", "position"], name="framework_milestone_position")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.label_en}"

    @property
    def date_confirmed(self) -> bool:
        return "date" not in self.unconfirmed

    def display_date(self) -> str:
        """"2019", "May 2019" or "17 May 2022", in the active language."""
        parts = [int(part) for part in self.date.split("-")]
        if len(parts) == 1:
            return str(parts[0])
        if len(parts) == 2:
            return formats.date_format(datetime.date(parts[0], parts[1], 1), "YEAR_MONTH_FORMAT")
        return formats.date_format(datetime.date(*parts), "DATE_FORMAT")

    @property
    def symbol_confirmed(self) -> bool:
        return "symbol" not in self.unconfirmed


class MigofElement(LocalizedMixin, models.Model):
    """A principle or objective of IOM's Migration Governance Framework
    (MiGOF, IOM Council resolution 1310, November 2015): three of each."""

    class Kind(models.TextChoices):
        PRINCIPLE = "principle", _("Principle")
        OBJECTIVE = "objective", _("Objective")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    # Languages whose name has not been checked against an official text
    # ("fr", "es"); pages mark them (see docs/framework.md).
    unverified = models.JSONField(_("languages not checked against an official text"), default=list, blank=True)
    # GCM Hub's own short explanation.
    description_en = models.TextField(_("description (English)"))
    description_fr = models.TextField(_("description (French)"))
    description_es = models.TextField(_("description (Spanish)"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("MiGOF element")
        verbose_name_plural = _("MiGOF elements")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="framework_migof_kind_number")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}: {self.name_en}"

    @property
    def reference(self) -> str:
        """``"principle 1"``, as the YAML files write it."""
        return f"{self.kind} {self.number}"

    @property
    def anchor(self) -> str:
        return f"migof-{self.kind}-{self.number}"


class PolicyDomain(LocalizedMixin, models.Model):
    """One of the six policy domains of SDG indicator 10.7.2, coded as in the
    COMPOSITE_BREAKDOWN dimension of the SDG data structure (PD_1 … PD_6).

    Each domain is scored 1–4 (``PolicyDomainScore``) in series SG_CPA_MIGRS.
    """

    code = models.CharField(_("code"), max_length=4, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    # GCM Hub's own one-paragraph description.
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    # The MiGOF principle or objective the domain corresponds to (by name; a
    # GCM Hub correspondence, see data/policy_domains.yaml).
    migof = models.ForeignKey(
        MigofElement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policy_domains",
        verbose_name=_("MiGOF element"),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("policy domain of SDG 10.7.2")
        verbose_name_plural = _("policy domains of SDG 10.7.2")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    def get_absolute_url(self) -> str:
        return f"{reverse('framework:indicator', args=['10.7.2'])}#{self.code}"


class PolicyDomainScore(LocalizedMixin, models.Model):
    """A step of the 1–4 scale on which each 10.7.2 policy domain is scored."""

    score = models.PositiveSmallIntegerField(_("score"), unique=True)
    label_en = models.CharField(_("label (English)"), max_length=120)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_es = models.CharField(_("label (Spanish)"), max_length=120)

    class Meta:
        ordering = ["score"]
        verbose_name = _("policy domain score")
        verbose_name_plural = _("policy domain scores")

    def __str__(self) -> str:
        return f"{self.score} {self.label_en}"


class ObjectiveIndicator(models.Model):
    """An SDG indicator that informs progress on an objective.

    The links are GCM Hub's editorial proposal (docs/framework.md), not an
    official UN mapping; no official GCM indicator list has been published
    in a machine-readable form yet.
    """

    class Relevance(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        CONTEXTUAL = "contextual", _("Contextual")

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicator_links", verbose_name=_("objective")
    )
    indicator = models.ForeignKey(
        SdgIndicator, on_delete=models.CASCADE, related_name="objective_links", verbose_name=_("indicator")
    )
    relevance = models.CharField(_("relevance"), max_length=10, choices=Relevance.choices)
    # Empty (NULL) means the whole indicator; a domain narrows 10.7.2 to one
    # of its six policy domains. The column keeps the codes PD_1 … PD_6
    # (``policy_domain_id``), so queries by code need no join.
    policy_domain = models.ForeignKey(
        PolicyDomain,
        to_field="code",
        db_column="policy_domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objective_links",
        verbose_name=_("policy domain"),
    )

    class Meta:
        # "primary" sorts after "contextual", hence -relevance: primary first;
        # the whole indicator before its domains.
        ordering = [
            "objective__number",
            "-relevance",
            "indicator__sort_key",
            models.F("policy_domain").asc(nulls_first=True),
        ]
        verbose_name = _("objective–indicator link")
        verbose_name_plural = _("objective–indicator links")
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "indicator", "policy_domain"], name="framework_objective_indicator"
            ),
            # NULLs are distinct in a unique index: the whole indicator needs its own.
            models.UniqueConstraint(
                fields=["objective", "indicator"],
                condition=models.Q(policy_domain__isnull=True),
                name="framework_objective_indicator_whole",
            ),
        ]

    def __str__(self) -> str:
        domain = f" {self.policy_domain_id}" if self.policy_domain_id else ""
        return f"{self.objective.number} → {self.indicator.code}{domain} ({self.relevance})"
