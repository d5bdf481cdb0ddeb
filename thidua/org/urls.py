from django.urls import path

from thidua.org import views

app_name = "org"

urlpatterns = [
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/xuat/", views.unit_export, name="unit_export"),
    path("don-vi/them/", views.unit_create, name="unit_create"),
    path("don-vi/<uuid:uid>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<uuid:uid>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<uuid:uid>/phong-ban/them/", views.department_create, name="department_create"),
    path("phong-ban/<uuid:uid>/sua/", views.department_edit, name="department_edit"),
    path("phong-ban/lua-chon/", views.department_options, name="department_options"),
    path("ca-nhan/", views.person_list, name="person_list"),
    path("ca-nhan/xuat/", views.person_export, name="person_export"),
    path("ca-nhan/them/", views.person_create, name="person_create"),
    path("ca-nhan/<uuid:uid>/", views.person_detail, name="person_detail"),
    path("ca-nhan/<uuid:uid>/sua/", views.person_edit, name="person_edit"),
    path("ca-nhan/<uuid:uid>/qua-trinh-cong-tac/them/", views.position_add, name="position_add"),
    path("ca-nhan/<uuid:uid>/dieu-dong/", views.person_transfer, name="person_transfer"),
    path("sap-xep/", views.lineage_list, name="lineage_list"),
    path("sap-xep/hop-nhat/", views.lineage_merge, name="lineage_merge"),
    path("sap-xep/chia-tach/", views.lineage_split, name="lineage_split"),
    path("sap-xep/doi-ten/", views.lineage_rename, name="lineage_rename"),
    path("sap-xep/giai-the/", views.lineage_dissolve, name="lineage_dissolve"),
    path("tinh/", views.province_list, name="province_list"),
    path("tinh/<uuid:uid>/", views.province_detail, name="province_detail"),
    path("tinh/<uuid:uid>/sua/", views.province_edit, name="province_edit"),
]
