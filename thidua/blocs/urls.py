from django.urls import path

from thidua.blocs import views

app_name = "blocs"

urlpatterns = [
    path("", views.bloc_list, name="bloc_list"),
    path("them/", views.bloc_create, name="bloc_create"),
    path("<uuid:uid>/", views.bloc_detail, name="bloc_detail"),
    path("<uuid:uid>/sua/", views.bloc_edit, name="bloc_edit"),
    path("<uuid:uid>/mo-nam/", views.year_open, name="year_open"),
    path("nam/<uuid:uid>/", views.year_detail, name="year_detail"),
    path("nam/<uuid:uid>/them-don-vi/", views.member_add, name="member_add"),
    path("nam/<uuid:uid>/truong-khoi/", views.leadership_set, name="leadership_set"),
    path("thanh-vien/<uuid:uid>/roi-khoi/", views.member_remove, name="member_remove"),
]
