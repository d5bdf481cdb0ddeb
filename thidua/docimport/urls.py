from django.urls import path

from thidua.docimport import views

app_name = "docimport"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<uuid:uid>/", views.detail, name="detail"),
    path("<uuid:uid>/dong/<int:number>/", views.row, name="row"),
    path("<uuid:uid>/xac-nhan/", views.confirm, name="confirm"),
]
