from django.urls import path

from thidua.accounts import views

app_name = "accounts"

urlpatterns = [
    path("cua-toi/", views.my_account, name="my_account"),
]
