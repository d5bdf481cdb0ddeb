from django.urls import path

from thidua.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("thong-ke/", views.statistics_page, name="statistics"),
    path("thong-ke/danh-sach/", views.statistics_records, name="statistics_records"),
    path("tong-ket-tinh/", views.province_report_page, name="province_report"),
    path("tong-ket-tinh/tai-ve/", views.province_report_docx, name="province_report_docx"),
]
