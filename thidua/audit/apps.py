from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "thidua.audit"
    label = "audit"
    verbose_name = "Nhật ký"

    def ready(self) -> None:
        from thidua.audit.models import AuditLog
        from thidua.core.access import register_scope

        register_scope(AuditLog, province="province", unit=None)
