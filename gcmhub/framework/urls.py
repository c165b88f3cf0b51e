from django.urls import path

from gcmhub.framework import views

app_name = "framework"
urlpatterns = [
    path("objectives/", views.objective_list, name="objectives"),
    path("objectives/<int:number>/", views.objective_detail, name="objective"),
    path("principles/", views.principle_list, name="principles"),
    path("sdg-indicators/", views.indicator_list, name="indicators"),
    path("sdg-indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("follow-up/", views.follow_up, name="follow-up"),
]
