"""Admin pages to look the framework up. Its content comes from data/*.yaml
and ``gcmhub framework import-text``, so it is read-only here: an edit made in
the admin would be silently undone by the next ``gcmhub framework load``."""

from django.contrib import admin

from gcmhub.framework.models import (
    Action,
    FollowUpElement,
    FollowUpMilestone,
    MigofElement,
    Objective,
    ObjectiveIndicator,
    PolicyDomain,
    PolicyDomainScore,
    Principle,
    SdgIndicator,
    SdgSeries,
    SdgTarget,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Principle)
class PrincipleAdmin(ReadOnlyAdmin):
    list_display = ["letter", "name_en", "name_fr", "name_es"]


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ["number", "short_title_en", "title_en", "paragraph"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["label", "title_en", "text_source_en"]
    list_filter = ["objective"]
    list_select_related = ["objective"]
    search_fields = ["title_en", "title_fr", "title_es", "text_en", "text_fr", "text_es"]


@admin.register(SdgTarget)
class SdgTargetAdmin(ReadOnlyAdmin):
    list_display = ["code", "goal", "title_en"]


@admin.register(SdgIndicator)
class SdgIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_en", "custodians"]
    search_fields = ["code", "title_en"]


@admin.register(SdgSeries)
class SdgSeriesAdmin(ReadOnlyAdmin):
    list_display = ["code", "indicator", "description"]
    search_fields = ["code", "description"]


@admin.register(ObjectiveIndicator)
class ObjectiveIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["objective", "indicator", "relevance", "policy_domain"]
    list_filter = ["relevance", "objective"]


@admin.register(MigofElement)
class MigofElementAdmin(ReadOnlyAdmin):
    list_display = ["kind", "number", "name_en"]


@admin.register(PolicyDomain)
class PolicyDomainAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_en", "migof"]
    list_select_related = ["migof"]


@admin.register(PolicyDomainScore)
class PolicyDomainScoreAdmin(ReadOnlyAdmin):
    list_display = ["score", "label_en", "label_fr", "label_es"]


@admin.register(FollowUpElement)
class FollowUpElementAdmin(ReadOnlyAdmin):
    list_display = ["name_en", "slug", "kind", "parent", "paragraphs"]
    list_filter = ["kind"]
    list_select_related = ["parent"]


@admin.register(FollowUpMilestone)
class FollowUpMilestoneAdmin(ReadOnlyAdmin):
    list_display = ["date", "element", "symbol", "label_en"]
    list_select_related = ["element"]
