"""Pages under /<language>/: reviews, their dashboard and the self-assessment."""

from django.urls import path, re_path

from gcmhub.reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.review_list, name="list"),
    path("reviews/new/", views.review_create, name="create"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="edit"),
    path("reviews/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("reviews/<int:pk>/milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone-done"),
    path("reviews/<int:pk>/consultations/", views.consultation_add, name="consultation-add"),
    path("reviews/<int:pk>/self-assessment/", views.self_assessment, name="self-assessment"),
    path("reviews/<int:pk>/self-assessment/assign/", views.assign, name="assign"),
    path("reviews/<int:pk>/self-assessment/state/", views.set_state, name="state"),
    re_path(r"^reviews/(?P<pk>\d+)/self-assessment/10\.7\.2\.(?P<fmt>csv|xlsx)$", views.export_10_7_2, name="export-10-7-2"),
    path("reviews/<int:pk>/self-assessment/<str:key>/", views.answer_save, name="answer"),
    path("reviews/<int:pk>/self-assessment/<str:key>/comments/", views.comment_add, name="comment"),
    path("reviews/<int:pk>/self-assessment/<str:key>/history/", views.answer_history, name="history"),
]
