from django.urls import path

from thidua.org import views

app_name = "org"

urlpatterns = [
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/xuat/", views.unit_export, name="unit_export"),
    path("don-vi/them/", views.unit_create, name="unit_create"),
    path("don-vi/<uuid:uid>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<uuid:uid>/sua/", views.unit_edit, name="unit_edit"),
]
