from django.urls import path

from thidua.proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="proposal_list"),
    path("lap/", views.proposal_create, name="proposal_create"),
    path("tu-cuoc-bo-phieu/<uuid:uid>/", views.proposal_from_poll, name="proposal_from_poll"),
    path("<uuid:uid>/", views.proposal_detail, name="proposal_detail"),
    path("<uuid:uid>/sua/", views.proposal_edit, name="proposal_edit"),
    path("<uuid:uid>/them-doi-tuong/", views.item_add, name="item_add"),
    path("<uuid:uid>/them-can-bo-du-dieu-kien/", views.item_add_eligible, name="item_add_eligible"),
    path("<uuid:uid>/thong-qua-khong-vuong/", views.proposal_approve_unblocked, name="proposal_approve_unblocked"),
    path("<uuid:uid>/kiem-tra/", views.proposal_check, name="proposal_check"),
    path("<uuid:uid>/chuyen-trang-thai/", views.proposal_transition, name="proposal_transition"),
    path("<uuid:uid>/tep/", views.attachment_add, name="attachment_add"),
    path("<uuid:uid>/van-ban/", views.document_generate, name="document_generate"),
    path("<uuid:uid>/quyet-dinh/", views.decision_issue, name="decision_issue"),
    path("doi-tuong/<uuid:uid>/", views.item_edit, name="item_edit"),
    path("doi-tuong/<uuid:uid>/bo/", views.item_remove, name="item_remove"),
    path("doi-tuong/<uuid:uid>/bo-phieu/", views.item_vote, name="item_vote"),
    path("doi-tuong/<uuid:uid>/tham-dinh/", views.item_appraise, name="item_appraise"),
    path("doi-tuong/<uuid:uid>/van-xet/", views.item_override_hold, name="item_override_hold"),
    path("tep/<uuid:uid>/", views.attachment_download, name="attachment_download"),
    path("quyet-dinh/", views.decision_list, name="decision_list"),
    path("quyet-dinh/ghi-nhan/", views.decision_external, name="decision_external"),
    path("quyet-dinh/<uuid:uid>/", views.decision_detail, name="decision_detail"),
    path("quyet-dinh/<uuid:uid>/van-ban/", views.decision_document, name="decision_document"),
    path("quyet-dinh/<uuid:uid>/huy/", views.decision_revoke, name="decision_revoke"),
    path("duoc-khen/<uuid:uid>/tien-thuong/", views.recipient_amount, name="recipient_amount"),
]
