from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "thidua.jobs"
    label = "jobs"
    verbose_name = "Công việc chạy nền"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.jobs import models as m

        # A job is its starter's own (pages and API list `Job.objects.filter(user=...)`); the
        # province path lets province-wide tools (audit, backup) scope it like every tenant table.
        register_scope(m.Job, province="province", unit=None)
