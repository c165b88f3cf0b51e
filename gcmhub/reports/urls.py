from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reviews/<int:review_id>/reports/", views.reports_page, name="reports"),
    path("reviews/<int:review_id>/reports/generate/", views.generate, name="generate"),
    path("reviews/<int:review_id>/reports/runs/<int:run_id>/", views.run_page, name="run"),
    path("reviews/<int:review_id>/reports/runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("reviews/<int:review_id>/reports/runs/<int:run_id>/download/", views.run_download, name="run_download"),
    path("reviews/<int:review_id>/reports/<str:kind>/preview/", views.preview, name="preview"),
    path(
        "reviews/<int:review_id>/reports/<str:kind>/sections/<slug:section_key>/",
        views.edit_narrative,
        name="edit_narrative",
    ),
    path("reports/snapshots/<uuid:uid>/", views.snapshot_page, name="snapshot"),
    path("reports/snapshots/<uuid:uid>/compare/<uuid:other>/", views.snapshot_compare, name="compare"),
    path("reports/snapshots/<uuid:uid>/<str:fmt>/", views.snapshot_download, name="snapshot_file"),
]
