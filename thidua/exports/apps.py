from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "thidua.exports"
    label = "exports"
    verbose_name = "Xuất dữ liệu"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.exports.models import NationalExport

        # The log of a province's exports is the province's (its officers, the administrator).
        register_scope(NationalExport, province="province", unit=None)
