from django.apps import AppConfig


class ExemplarsConfig(AppConfig):
    name = "thidua.exemplars"
    label = "exemplars"
    verbose_name = "Điển hình tiên tiến"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.exemplars import models as m

        # A collective's or a person's entry belongs to the unit (the person's unit when recorded).
        register_scope(m.Exemplar, province="province", unit="unit")
        register_scope(m.ExemplarEvidence, province="province", unit="exemplar__unit")
        register_scope(m.Replication, province="province", unit="exemplar__unit")
