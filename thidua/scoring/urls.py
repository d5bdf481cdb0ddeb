from django.urls import path

from thidua.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("bang-tieu-chi/", views.set_list, name="set_list"),
    path("bang-tieu-chi/them/", views.set_create, name="set_create"),
    path("bang-tieu-chi/nhap-excel/", views.set_import, name="set_import"),
    path("bang-tieu-chi/<uuid:uid>/", views.set_detail, name="set_detail"),
    path("bang-tieu-chi/<uuid:uid>/sua/", views.set_edit, name="set_edit"),
    path("bang-tieu-chi/<uuid:uid>/sao-chep/", views.set_copy, name="set_copy"),
    path("bang-tieu-chi/<uuid:uid>/excel/", views.set_export, name="set_export"),
    path("bang-tieu-chi/<uuid:uid>/nhap-excel/", views.set_reimport, name="set_reimport"),
    path("bang-tieu-chi/<uuid:uid>/them-tieu-chi/", views.criterion_add, name="criterion_add"),
    path("tieu-chi/<uuid:uid>/sua/", views.criterion_edit, name="criterion_edit"),
    path("tieu-chi/<uuid:uid>/xoa/", views.criterion_remove, name="criterion_remove"),
    path("nam/<uuid:uid>/", views.round_page, name="round"),
    path("nam/<uuid:uid>/mo-dot/", views.round_open, name="round_open"),
    path("dot/<uuid:uid>/phan-cong/", views.round_assign, name="round_assign"),
    path("dot/<uuid:uid>/cong-bo/", views.round_publish, name="round_publish"),
    path("dot/<uuid:uid>/don-vi-dan-dau/", views.round_leader, name="round_leader"),
    path("dot/<uuid:uid>/xep-hang.xlsx", views.round_export, name="round_export"),
    path("dot/<uuid:uid>/xep-hang.docx", views.round_export_docx, name="round_export_docx"),
    path("dot/<uuid:uid>/xep-hang.pdf", views.round_export_pdf, name="round_export_pdf"),
    path("phieu/<uuid:uid>/", views.sheet_detail, name="sheet"),
    path("phieu/<uuid:uid>/luu/", views.sheet_save, name="sheet_save"),
    path("phieu/<uuid:uid>/chuyen-buoc/", views.sheet_transition, name="sheet_transition"),
    path("phieu/<uuid:uid>/excel/", views.sheet_export, name="sheet_export"),
    path("phieu/<uuid:uid>/nhap-excel/", views.sheet_import, name="sheet_import"),
    path("minh-chung/<uuid:uid>/", views.evidence_download, name="evidence"),
    path("minh-chung/<uuid:uid>/xoa/", views.evidence_remove, name="evidence_remove"),
]
