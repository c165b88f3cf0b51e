"""Pages under /<language>/: good practices, the document library and curation."""

from django.urls import path

from gcmhub.practices import views

app_name = "practices"
urlpatterns = [
    path("practices/", views.practice_list, name="list"),
    path("practices/new/", views.practice_create, name="create"),
    path("practices/<int:pk>/", views.practice_detail, name="practice"),
    path("practices/<int:pk>/edit/", views.practice_edit, name="edit"),
    path("practices/<int:pk>/submit/", views.practice_submit, name="submit"),
    path("practices/<int:pk>/review/", views.practice_review, name="review"),
    path("documents/", views.document_list, name="documents"),
    path("documents/upload/", views.document_upload, name="document-upload"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/file/", views.document_file, name="document-file"),
    path("documents/<int:pk>/progress/", views.document_progress, name="document-progress"),
    path("documents/<int:pk>/publish/", views.document_publish, name="document-publish"),
    path("documents/<int:pk>/reread/", views.document_reread, name="document-reread"),
    path("documents/<int:pk>/curate/", views.curate, name="curate"),
    path("documents/<int:pk>/curate/<int:candidate_id>/", views.decide, name="decide"),
]
