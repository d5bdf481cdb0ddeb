from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    label = "awards"
    verbose_name = "Khen thưởng: danh mục, điều kiện, đề nghị, quyết định"

    def ready(self) -> None:
        # Register each model's scope here (thidua.core.access.register_scope), as the other apps do.
        pass
