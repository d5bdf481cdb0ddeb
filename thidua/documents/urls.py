from django.urls import path

from thidua.documents import views

app_name = "documents"

urlpatterns = [
    path("<uuid:uid>/tai-ve/", views.download, name="download"),
    path("<uuid:uid>/tai-ve-pdf/", views.download_pdf, name="download_pdf"),
    path("<uuid:uid>/ban-ky/", views.download_scan, name="download_scan"),
    path("<uuid:uid>/vao-so/", views.register, name="register"),
    path("<uuid:uid>/tai-ban-ky/", views.upload_scan, name="upload_scan"),
]
