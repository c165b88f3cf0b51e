from django.urls import path, re_path

from gcmhub.progress import views

app_name = "progress"
urlpatterns = [
    path("progress/", views.index, name="index"),
    # A country by ISO alpha-3 (any case; redirected to upper case) or M49 code.
    re_path(r"^countries/(?P<key>[A-Za-z]{3}|\d{3})/progress/$", views.country_scorecard, name="country-scorecard"),
    re_path(
        r"^countries/(?P<key>[A-Za-z]{3}|\d{3})/progress/not-doing-well/$", views.not_doing_well, name="not-doing-well"
    ),
    path("objectives/<int:number>/progress/", views.objective, name="objective"),
    path("objectives/<int:number>/progress/map.svg", views.objective_map, name="objective-map"),
]
