"""Panels other apps add to an indicator's data page.

The page belongs to ``indicators``; what other apps know about a series —
the progress app's status for each country shown — belongs to them. As for
the country-page sections (``gcmhub.geo.sections``), an app registers a
provider in its ``AppConfig.ready()``::

    register_indicator_panel("progress", progress_panel, order=10)

A provider gets the series, the areas the page shows and the disaggregation
keys selected, and returns an ``IndicatorPanel`` (a title, a template and its
context) or None when it has nothing to say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IndicatorPanel:
    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    stylesheets: tuple[str, ...] = ()  # static paths the template's classes need


IndicatorPanelProvider = Callable[[object, Sequence[object], Sequence[str]], IndicatorPanel | None]

_providers: dict[str, tuple[int, IndicatorPanelProvider]] = {}


def register_indicator_panel(key: str, provider: IndicatorPanelProvider, *, order: int = 100) -> None:
    _providers[key] = (order, provider)


def unregister_indicator_panel(key: str) -> None:
    _providers.pop(key, None)


def indicator_panels(series, areas, keys) -> list[IndicatorPanel]:
    panels = []
    for _key, (_order, provider) in sorted(_providers.items(), key=lambda item: (item[1][0], item[0])):
        panel = provider(series, areas, keys)
        if panel is not None:
            panels.append(panel)
    return panels
