from django.urls import path

from thidua.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.list_page, name="list"),
    path("them/", views.create_page, name="create"),
    path("nhap/", views.import_page, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("<uuid:uid>/", views.detail_page, name="detail"),
    path("<uuid:uid>/sua/", views.edit_page, name="edit"),
    path("<uuid:uid>/cong-nhan/", views.recognise, name="recognise"),
]
