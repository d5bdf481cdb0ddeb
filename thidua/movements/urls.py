from django.urls import path

from thidua.movements import views

app_name = "movements"

urlpatterns = [
    path("", views.movement_list, name="movement_list"),
    path("them/", views.movement_create, name="movement_create"),
    path("<uuid:uid>/", views.movement_detail, name="movement_detail"),
    path("<uuid:uid>/sua/", views.movement_edit, name="movement_edit"),
    path("<uuid:uid>/chuyen-trang-thai/", views.movement_advance, name="movement_advance"),
    path("<uuid:uid>/ke-hoach/", views.movement_plan_file, name="movement_plan_file"),
    path("dang-ky/nam/<uuid:uid>/", views.registration_rollup, name="registration_rollup"),
    path("dang-ky/nam/<uuid:uid>/lap/", views.registration_start, name="registration_start"),
    path("dang-ky/<uuid:uid>/", views.registration_detail, name="registration_detail"),
    path("dang-ky/<uuid:uid>/gui/", views.registration_submit, name="registration_submit"),
    path("dang-ky/<uuid:uid>/duyet/", views.registration_review, name="registration_review"),
]
