from django.urls import path, re_path

from . import views

app_name = "explorer"
urlpatterns = [
    re_path(r"^countries/(?P<key>[A-Za-z]{3})/migration/$", views.profile, name="profile"),
    path("explorer/corridors/", views.corridors, name="corridors"),
    re_path(r"^explorer/corridors/(?P<origin>[A-Za-z]{3})-(?P<destination>[A-Za-z]{3})/$", views.corridor,
            name="corridor"),
    path("explorer/map/", views.map_page, name="map"),
    path("explorer/incidents/", views.incidents_page, name="incidents"),
    path("explorer/compare/", views.compare_page, name="compare"),
    re_path(r"^explorer/map/image\.(?P<kind>svg|png)$", views.map_image, name="map_image"),
    re_path(r"^explorer/chart/(?P<name>[a-z_]+)\.(?P<kind>svg|png)$", views.chart_image, name="chart_image"),
    re_path(r"^explorer/embed/(?P<name>[a-z_]+)/$", views.embed, name="embed"),
]
