from django.apps import AppConfig


class CountingConfig(AppConfig):
    name = "thidua.counting"
    label = "counting"
    verbose_name = "Kiểm phiếu giấy, biên bản"

    def ready(self) -> None:
        # Register each model's scope here (thidua.core.access.register_scope), as the other apps do.
        pass
