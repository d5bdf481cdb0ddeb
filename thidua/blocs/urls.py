from django.urls import path

from thidua.blocs import conference_views as live
from thidua.blocs import views

app_name = "blocs"

urlpatterns = [
    path("", views.bloc_list, name="bloc_list"),
    path("them/", views.bloc_create, name="bloc_create"),
    path("lich-mac-dinh/", views.deadline_defaults, name="deadline_defaults"),
    path("<uuid:uid>/", views.bloc_detail, name="bloc_detail"),
    path("<uuid:uid>/sua/", views.bloc_edit, name="bloc_edit"),
    path("<uuid:uid>/mo-nam/", views.year_open, name="year_open"),
    path("nam/<uuid:uid>/", views.year_detail, name="year_detail"),
    path("nam/<uuid:uid>/them-don-vi/", views.member_add, name="member_add"),
    path("nam/<uuid:uid>/truong-khoi/", views.leadership_set, name="leadership_set"),
    path("thanh-vien/<uuid:uid>/roi-khoi/", views.member_remove, name="member_remove"),
    path("nam/<uuid:uid>/giao-uoc/", views.covenant_page, name="covenant"),
    path("giao-uoc/<uuid:uid>/gui-xac-nhan/", views.covenant_open, name="covenant_open"),
    path("giao-uoc/<uuid:uid>/ky-ket/", views.covenant_sign, name="covenant_sign"),
    path("giao-uoc/<uuid:uid>/sinh-van-ban/", views.covenant_generate, name="covenant_generate"),
    path("cam-ket/<uuid:uid>/xac-nhan/", views.commitment_confirm, name="commitment_confirm"),
    path("nam/<uuid:uid>/hoi-nghi/them/", views.meeting_create, name="meeting_create"),
    path("hoi-nghi/<uuid:uid>/", views.meeting_detail, name="meeting_detail"),
    path("hoi-nghi/<uuid:uid>/bien-ban/", views.meeting_minutes_generate, name="meeting_minutes_generate"),
    path("nam/<uuid:uid>/bao-cao/<slug:kind>/", views.report_page, name="report"),
    path("<uuid:uid>/luan-phien/", views.rotation_set, name="rotation_set"),
    path("nam/<uuid:uid>/han/", views.deadline_set, name="deadline_set"),
    # The live conference (issue #18).
    path("hoi-nghi/<uuid:uid>/dieu-hanh/", live.conference_page, name="conference"),
    path("hoi-nghi/<uuid:uid>/chuong-trinh/them/", live.agenda_add, name="agenda_add"),
    path("hoi-nghi/<uuid:uid>/chuong-trinh/chuyen/", live.agenda_live, name="agenda_live"),
    path("chuong-trinh/<uuid:uid>/ket-luan/", live.agenda_conclusion, name="agenda_conclusion"),
    path("chuong-trinh/<uuid:uid>/xoa/", live.agenda_remove, name="agenda_remove"),
    path("chuong-trinh/<uuid:uid>/bo-phieu/", live.agenda_poll, name="agenda_poll"),
    path("hoi-nghi/<uuid:uid>/diem-danh/", live.secretary_check_in, name="secretary_check_in"),
    path("hoi-nghi/<uuid:uid>/diem-danh-qr/", live.checkin_qr, name="checkin_qr"),
    path("hoi-nghi/<uuid:uid>/man-hinh/them/", live.screen_create, name="screen_create"),
    path("man-hinh/<uuid:uid>/thu-hoi/", live.screen_revoke, name="screen_revoke"),
    path("man-hinh/<str:secret>/", live.screen, name="screen"),
    path("man-hinh/<str:secret>/noi-dung/", live.screen_live, name="screen_live"),
]
