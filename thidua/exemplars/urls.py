from django.urls import path

from thidua.exemplars import views

app_name = "exemplars"

urlpatterns = [
    path("", views.list_page, name="list"),
    path("them/", views.create_page, name="create"),
    path("<uuid:uid>/", views.detail_page, name="detail"),
    path("<uuid:uid>/sua/", views.edit_page, name="edit"),
    path("<uuid:uid>/nhan-rong/", views.replication_add, name="replication_add"),
    path("<uuid:uid>/minh-chung/", views.evidence_add, name="evidence_add"),
    path("minh-chung/<uuid:uid>/", views.evidence_download, name="evidence_download"),
]
