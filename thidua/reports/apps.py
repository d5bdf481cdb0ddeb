from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "thidua.reports"
    label = "reports"
    verbose_name = "Báo cáo, thống kê"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.reports import documents  # noqa: F401  (registers the PROVINCE_REPORT document kind)
        from thidua.reports import models as m

        # The province's own report: seen through province-wide grants only.
        register_scope(m.ProvinceReport, province="province", unit=None)
        # The statistics definitions are validated when the app loads: a definition naming an
        # unknown field stops the start with its Vietnamese message instead of showing wrong tables.
        from thidua.rules.statistics import definitions

        definitions()
