from django.urls import path

from gcmhub.protection import views

app_name = "protection"

urlpatterns: list = [
    path("protection/services/", views.directory, name="directory"),
    path("protection/services/new/", views.service_create, name="service-create"),
    path("protection/services/import/", views.service_import, name="service-import"),
    path("protection/services/imports/<int:pk>/", views.service_import_detail, name="service-import-detail"),
    path("protection/services/<int:pk>/", views.service_detail, name="service"),
    path("protection/services/<int:pk>/edit/", views.service_edit, name="service-edit"),
    path("protection/services/<int:pk>/review/", views.service_review, name="service-review"),
    path("protection/pathways/", views.pathway_list, name="pathways"),
    path("protection/pathways/new/", views.pathway_edit, name="pathway-create"),
    path("protection/pathways/<int:pk>/", views.pathway_detail, name="pathway"),
    path("protection/pathways/<int:pk>/edit/", views.pathway_edit, name="pathway-edit"),
    path("protection/pathways/<int:pk>/card/", views.pathway_card, name="card"),
    path("protection/pathways/<int:pk>/card.pdf", views.pathway_card_pdf, name="card-pdf"),
    path("protection/gaps/<str:iso3>/", views.gap_matrix, name="gaps"),
    path("protection/gaps/<str:iso3>/<slug:situation>/<slug:stage>/", views.gap_cell, name="gap-cell"),
]
