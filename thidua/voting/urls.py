from django.urls import path

from thidua.voting import views

app_name = "voting"

urlpatterns = [
    path("", views.home, name="home"),
    path("hoi-dong/", views.council_list, name="council_list"),
    path("hoi-dong/them/", views.council_create, name="council_create"),
    path("hoi-dong/<uuid:uid>/", views.council_detail, name="council_detail"),
    path("hoi-dong/<uuid:uid>/sua/", views.council_edit, name="council_edit"),
    path("hoi-dong/<uuid:uid>/them-thanh-vien/", views.member_add, name="member_add"),
    path("thanh-vien/<uuid:uid>/sua/", views.member_edit, name="member_edit"),
    path("bo-phieu/them/", views.poll_create, name="poll_create"),
    path("bo-phieu/<uuid:uid>/", views.poll_detail, name="poll_detail"),
    path("bo-phieu/<uuid:uid>/them-ung-vien/", views.candidate_add, name="candidate_add"),
    path("ung-vien/<uuid:uid>/xoa/", views.candidate_remove, name="candidate_remove"),
    path("bo-phieu/<uuid:uid>/mo/", views.poll_open, name="poll_open"),
    path("bo-phieu/<uuid:uid>/dong/", views.poll_close, name="poll_close"),
    path("bo-phieu/<uuid:uid>/diem-danh/", views.poll_attendance, name="poll_attendance"),
    path("bo-phieu/<uuid:uid>/chu-tich-chon/", views.poll_tie, name="poll_tie"),
    path("bo-phieu/<uuid:uid>/phieu-cua-toi/", views.ballot, name="ballot"),
    path("bo-phieu/<uuid:uid>/y-kien-van-ban/", views.written_opinion, name="written_opinion"),
    path("bo-phieu/<uuid:uid>/ghi-ket-qua/", views.record_result, name="record_result"),
]
