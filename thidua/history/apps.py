from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "thidua.history"
    label = "history"
    verbose_name = "Hồ sơ thành tích"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.history import models as m

        # A record is seen by the province, and by the officers of the subject's unit (a person's
        # current unit: the history follows the person across transfers).
        for model in (m.TaskRating, m.AwardRecord):
            register_scope(model, province="province", unit="person__unit")
        register_scope(m.Initiative, province="province", unit="unit")
        register_scope(m.DisciplinePeriod, province="province", unit="person__unit")
        register_scope(m.PendingInvestigation, province="province", unit="person__unit")
        register_scope(m.HistoryPolicy, province="province", unit=None)
