from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "thidua.scoring"
    label = "scoring"
    verbose_name = "Chấm điểm, xếp hạng thi đua"

    def ready(self) -> None:
        # Register each model's scope here (thidua.core.access.register_scope), as the other apps do.
        pass
