from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "thidua.proposals"
    label = "proposals"
    verbose_name = "Đề nghị, quyết định khen thưởng"

    def ready(self) -> None:
        # Register each model's scope here (thidua.core.access.register_scope), as the other apps do.
        pass
