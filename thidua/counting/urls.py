from django.urls import path

from thidua.counting import views

app_name = "counting"

urlpatterns = [
    path("bo-phieu/<uuid:uid>/", views.poll_home, name="poll"),
    path("bo-phieu/<uuid:uid>/in-phieu/", views.print_ballots, name="print_ballots"),
    path("bo-phieu/<uuid:uid>/nhap/", views.enter, name="enter"),
    path("bo-phieu/<uuid:uid>/nhap-lai/<int:side>/", views.reenter, name="reenter"),
    path("bo-phieu/<uuid:uid>/doi-chieu/", views.compare, name="compare"),
    path("bo-phieu/<uuid:uid>/ghi-ket-qua/", views.accept, name="accept"),
    path("bo-phieu/<uuid:uid>/ket-qua/", views.result, name="result"),
    path("bo-phieu/<uuid:uid>/ket-qua-ngoai/", views.external, name="external"),
    path("bo-phieu/<uuid:uid>/bien-ban/", views.minutes, name="minutes"),
    path("bo-phieu/<uuid:uid>/xac-nhan-cua-hoi-dong/", views.poll_confirmations, name="poll_confirmations"),
    path("hoi-nghi/<uuid:uid>/xac-nhan-cua-hoi-dong/", views.meeting_confirmations, name="meeting_confirmations"),
    path("phieu-in/<uuid:uid>/", views.batch_download, name="batch_download"),
    path("phieu-in/<uuid:uid>/pdf/", views.batch_download_pdf, name="batch_download_pdf"),
    path("bien-ban-goc/<uuid:uid>/", views.external_file, name="external_file"),
]
