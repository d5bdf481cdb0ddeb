from django.urls import path

from thidua.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("xuat-ca-nhan/", views.start_person_export, name="start_person_export"),
    path("xuat-du-dieu-kien/", views.start_eligibility_export, name="start_eligibility_export"),
    path("<uuid:uid>/", views.job_detail, name="job_detail"),
    path("<uuid:uid>/tien-do/", views.job_progress, name="job_progress"),
    path("<uuid:uid>/tai-ve/", views.job_download, name="job_download"),
]
