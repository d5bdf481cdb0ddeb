from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "thidua.initiatives"
    label = "initiatives"
    verbose_name = "Sổ sáng kiến"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.initiatives import models as m

        register_scope(m.InitiativeOwner, province="initiative__province", unit="initiative__unit")
