"""What the home page shows: figures counted from the database, never typed
in, and the headline panels other apps contribute.

Like the country-page sections (``gcmhub.geo.sections``), a headline belongs
to the app that owns its data; the app registers a provider in its
``AppConfig.ready()`` and the home page imports none of them::

    register_home_panel("indicators", headline_figure, order=10)

A provider returns a ``HomePanel`` or None when it has nothing to show, so a
fresh install shows no empty box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps


def _count(model_label: str, **filters) -> int | None:
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return None
    return model.objects.filter(**filters).count()


def home_figures() -> dict:
    return {
        "objectives": _count("framework.Objective"),
        "actions": _count("framework.Action"),
        "principles": _count("framework.Principle"),
        "countries": _count("geo.Area", kind="country"),
    }


@dataclass(frozen=True)
class HomePanel:
    """A headline: a big ``figure`` with its ``caption``, or an image (a map)
    with its text alternative, and a link to the page that explains it."""

    title: str
    url: str
    link_text: str
    figure: str = ""
    caption: str = ""
    image_url: str = ""
    image_alt: str = ""


HomePanelProvider = Callable[[], HomePanel | None]

# key → (order, provider); keyed so that registering again replaces the entry.
_panels: dict[str, tuple[int, HomePanelProvider]] = {}


def register_home_panel(key: str, provider: HomePanelProvider, *, order: int = 100) -> None:
    _panels[key] = (order, provider)


def unregister_home_panel(key: str) -> None:
    _panels.pop(key, None)


def home_headline() -> list[HomePanel]:
    """The panels the apps offer, in display order (those with nothing to show left out)."""
    panels = []
    for _key, (_order, provider) in sorted(_panels.items(), key=lambda item: (item[1][0], item[0])):
        panel = provider()
        if panel is not None:
            panels.append(panel)
    return panels
