from django.urls import path

from thidua.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("da-doc-tat-ca/", views.read_all, name="read_all"),
    path("chon-loai/", views.preferences, name="preferences"),
    path("<uuid:uid>/da-doc/", views.read_one, name="read"),
]
