"""Pages of the scorecards, the comparison and the public comment window,
under /<language>/reviews/<id>/ (the core review pages are in urls.py)."""

from django.urls import path

from gcmhub.reviews import scorecard_views as views

app_name = "scorecards"

urlpatterns = [
    path("reviews/<int:pk>/scorecards/", views.scorecard_list, name="list"),
    path("reviews/<int:pk>/scorecards/<int:scorecard_id>/", views.scorecard_detail, name="detail"),
    path("reviews/<int:pk>/scorecards/<int:scorecard_id>/state/", views.scorecard_state, name="state"),
    path("reviews/<int:pk>/comparison/", views.comparison_page, name="comparison"),
    path("reviews/<int:pk>/comments/", views.comment_list, name="comments"),
    path("reviews/comments/moderation/", views.moderation_queue, name="moderation"),
]
