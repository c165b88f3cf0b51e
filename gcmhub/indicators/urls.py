from django.urls import path

from gcmhub.indicators import views

app_name = "indicators"
urlpatterns = [
    path("indicators/", views.catalogue, name="catalogue"),
    path("indicators/upload/", views.upload, name="upload"),
    path("indicators/imports/<int:pk>/", views.import_detail, name="import"),
    path("indicators/imports/<int:pk>/status/", views.import_status, name="import-status"),
    path("indicators/<str:code>/chart.<str:fmt>", views.chart_image, name="chart"),
    path("indicators/<str:code>/map.svg", views.map_image, name="map"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
]
