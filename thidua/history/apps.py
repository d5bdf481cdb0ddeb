from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "thidua.history"
    label = "history"
    verbose_name = "Hồ sơ thành tích"

    def ready(self) -> None:
        # Register each model's scope here (thidua.core.access.register_scope), as the other apps do.
        pass
