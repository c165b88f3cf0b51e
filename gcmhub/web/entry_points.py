"""Figures shown on the home page, counted from the database, never typed in."""

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
