from django.urls import path

from thidua.history import views

app_name = "history"

urlpatterns = [
    path("", views.batch_page, name="batch"),
    path("nhap/", views.import_page, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("chinh-sach/", views.policy_page, name="policy"),
    path("khen-thuong/<uuid:uid>/huy/", views.award_revoke, name="award_revoke"),
    path("xem-xet/<uuid:uid>/ket-luan/", views.investigation_close, name="investigation_close"),
    path("don-vi/<uuid:uid>/danh-gia-ca-nhan/", views.unit_ratings, name="unit_ratings"),
    path("<str:kind>/<uuid:uid>/", views.subject_page, name="subject"),
    path("<str:kind>/<uuid:uid>/them/<str:what>/", views.record_add, name="record_add"),
]
