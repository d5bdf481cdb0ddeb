from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "thidua.movements"
    label = "movements"
    verbose_name = "Phong trào, đăng ký thi đua"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.movements import models as m

        # A block's movement is visible to the block's members; provincial movements to the province.
        register_scope(m.Movement, province="province", unit="bloc__years__memberships__unit", bloc="bloc")
        register_scope(m.Registration, province="province", unit="unit", bloc="bloc_year__bloc")
        register_scope(m.RegistrationItem, province="province", unit="registration__unit", bloc="registration__bloc_year__bloc")
