from django.apps import AppConfig


class CountingConfig(AppConfig):
    name = "thidua.counting"
    label = "counting"
    verbose_name = "Kiểm phiếu giấy, biên bản"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.counting import documents  # noqa: F401  (registers the minutes document kind)
        from thidua.counting import models as m

        for model in (m.PaperBallotBatch, m.TallyEntry, m.ExternalResult, m.CountingMinutes):
            register_scope(model, province="province", unit="poll__council__unit", bloc="poll__bloc_year__bloc", council="poll__council")
        register_scope(
            m.CouncilConfirmation, province="province", unit="item__proposal__audience__unit", bloc="item__proposal__bloc_year__bloc"
        )
