from django.urls import path

from thidua.exports import views

app_name = "exports"

urlpatterns = [
    path("khen-thuong-quoc-gia/", views.national_page, name="national"),
    path("khen-thuong-quoc-gia/<uuid:uid>/tai-ve/", views.national_download, name="national_download"),
]
