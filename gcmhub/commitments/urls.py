"""Pages under /<language>/commitments/: the list, the commitment page, its
forms, workflow steps, follow-up updates and evidence downloads."""

from django.urls import path

from gcmhub.commitments import views

app_name = "commitments"
urlpatterns = [
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/new/", views.commitment_create, name="create"),
    path("commitments/<int:pk>/", views.commitment_detail, name="detail"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="edit"),
    path("commitments/<int:pk>/delete/", views.commitment_delete, name="delete"),
    path("commitments/<int:pk>/submit/", views.commitment_submit, name="submit"),
    path("commitments/<int:pk>/approve/", views.commitment_approve, name="approve"),
    path("commitments/<int:pk>/reject/", views.commitment_reject, name="reject"),
    path("commitments/<int:pk>/updates/new/", views.update_create, name="update-create"),
    path("commitments/<int:pk>/updates/<int:update_pk>/verify/", views.update_verify, name="update-verify"),
    path("commitments/<int:pk>/updates/<int:update_pk>/publish/", views.update_publish, name="update-publish"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
