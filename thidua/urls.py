from django.urls import include, path

from thidua.core import views as core_views

handler400 = "thidua.core.views.error_400"
handler403 = "thidua.core.views.error_403"
handler404 = "thidua.core.views.error_404"
handler500 = "thidua.core.views.error_500"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dang-nhap/", core_views.login_view, name="login"),
    path("dang-xuat/", core_views.logout_view, name="logout"),
    path("suc-khoe/", core_views.health, name="health"),
    # Browsers ask for /favicon.ico on their own.
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("to-chuc/nhap/", include("thidua.org.import_urls")),
    path("to-chuc/", include("thidua.org.urls")),
    path("khoi-thi-dua/", include("thidua.blocs.urls")),
    path("phong-trao/", include("thidua.movements.urls")),
    path("van-ban/", include("thidua.documents.urls")),
    path("cham-diem/", include("thidua.scoring.urls")),
    path("binh-xet/", include("thidua.voting.urls")),
    path("khen-thuong/", include("thidua.awards.urls")),
    path("ho-so-thanh-tich/", include("thidua.history.urls")),
    path("sang-kien/", include("thidua.initiatives.urls")),
    path("dien-hinh-tien-tien/", include("thidua.exemplars.urls")),
    path("de-nghi-khen-thuong/nhap-tu-word/", include("thidua.docimport.urls")),
    path("de-nghi-khen-thuong/", include("thidua.proposals.urls")),
    path("kiem-phieu/", include("thidua.counting.urls")),
    path("bao-cao/", include("thidua.reports.urls")),
    path("tai-khoan/", include("thidua.accounts.urls")),
    path("cong-viec/", include("thidua.jobs.urls")),
    path("nhat-ky/", include("thidua.audit.urls")),
    path("xuat-du-lieu/", include("thidua.exports.urls")),
    path("thong-bao/", include("thidua.notifications.urls")),
    path("api/v1/", include("thidua.api.urls")),
]
