from django.urls import path

from thidua.accounts import views

app_name = "accounts"

urlpatterns = [
    path("cua-toi/", views.my_account, name="my_account"),
    path("cua-toi/doi-mat-khau/", views.change_password, name="change_password"),
    path("cua-toi/khoa-api/them/", views.token_create, name="token_create"),
    path("cua-toi/khoa-api/<uuid:token_uid>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("", views.user_list, name="user_list"),
    path("them/", views.user_create, name="user_create"),
    path("phan-quyen/don-vi/", views.grant_unit_options, name="grant_unit_options"),
    path("phan-quyen/<uuid:grant_uid>/ket-thuc/", views.grant_end, name="grant_end"),
    path("<uuid:uid>/", views.user_detail, name="user_detail"),
    path("<uuid:uid>/trang-thai/", views.user_set_active, name="user_set_active"),
    path("<uuid:uid>/dat-lai-mat-khau/", views.user_reset_password, name="user_reset_password"),
    path("<uuid:uid>/phan-quyen/", views.grant_add, name="grant_add"),
]
