from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "thidua.org"
    label = "org"
    verbose_name = "Tổ chức"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.org import models as m

        register_scope(m.Province, province="pk", unit=None)
        register_scope(m.Unit, province="province", unit="pk", bloc="bloc_memberships__bloc_year__bloc")
        register_scope(m.Department, province="province", unit="unit", bloc="unit__bloc_memberships__bloc_year__bloc")
        register_scope(m.Person, province="province", unit="unit", bloc="unit__bloc_memberships__bloc_year__bloc")
        register_scope(m.Position, province="province", unit="unit")
        register_scope(m.LineageEvent, province="province", unit="links__unit")
