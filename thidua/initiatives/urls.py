from django.urls import path

from thidua.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.list_page, name="list"),
    path("them/", views.create_page, name="create"),
    path("<uuid:uid>/", views.detail_page, name="detail"),
    path("<uuid:uid>/cong-nhan/", views.recognise, name="recognise"),
]
