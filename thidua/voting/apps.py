from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "thidua.voting"
    label = "voting"
    verbose_name = "Hội đồng, bình xét, bỏ phiếu"

    def ready(self) -> None:
        # Register each model's scope here (thidua.core.access.register_scope), as the other apps do.
        pass
