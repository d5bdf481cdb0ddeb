from django.urls import path

from thidua.awards import views

app_name = "awards"

urlpatterns = [
    path("", views.home, name="home"),
    path("danh-muc/", views.catalogue_list, name="catalogue_list"),
    path("danh-muc/them/", views.award_type_create, name="award_type_create"),
    path("danh-muc/<uuid:uid>/", views.award_type_detail, name="award_type_detail"),
    path("danh-muc/<uuid:uid>/sua/", views.award_type_edit, name="award_type_edit"),
    path("quy-dinh/", views.rule_list, name="rule_list"),
    path("quy-dinh/<str:code>/<str:key>/", views.rule_detail, name="rule_detail"),
    path("dieu-chinh/", views.override_list, name="override_list"),
    path("dieu-chinh/them/", views.override_add, name="override_add"),
    path("dieu-chinh/<uuid:uid>/ket-thuc/", views.override_end, name="override_end"),
    path("quy-dinh-tinh/them/", views.pack_create, name="pack_create"),
    path("quy-dinh-tinh/<uuid:uid>/", views.pack_detail, name="pack_detail"),
    path("quy-dinh-tinh/<uuid:uid>/ket-thuc/", views.pack_end, name="pack_end"),
    path("tinh-thu/", views.whatif, name="whatif"),
]
