"""Keep the catalogue's copies of the official SDG indicator titles current.

The loader names an SDG-linked ``Indicator`` after the framework's official
title when it first imports one of its series. When ``gcmhub framework load``
later corrects a title (``framework.signals.sdg_titles_changed``), the copy
follows in each language where it still reads as the old official title; a
name someone has edited since is left alone. The change is in the history.
"""

from gcmhub.framework.signals import sdg_titles_changed

from .models import Indicator


def follow_official_titles(sender, changes: dict, **kwargs) -> None:
    for indicator in Indicator.objects.filter(sdg_indicator__code__in=changes).select_related("sdg_indicator"):
        changed = False
        for language, (old, new) in changes[indicator.sdg_indicator.code].items():
            if getattr(indicator, f"name_{language}") == old:
                setattr(indicator, f"name_{language}", new)
                changed = True
        if changed:
            indicator._change_reason = "official SDG title corrected (gcmhub framework load)"
            indicator.save()


def connect() -> None:
    sdg_titles_changed.connect(follow_official_titles, dispatch_uid="indicators.follow_official_titles")
