from django.urls import path

from thidua.org import import_views

app_name = "orgimport"

urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("mau.xlsx", import_views.template, name="template"),
]
