from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    label = "awards"
    verbose_name = "Khen thưởng: danh mục, điều kiện, đề nghị, quyết định"

    def ready(self) -> None:
        from thidua.awards import models as m
        from thidua.awards.selectors import pack_source
        from thidua.core.access import register_scope
        from thidua.whatif.service import register_pack_source

        # National catalogue rows (province null) are visible to everyone; selectors add them.
        register_scope(m.AwardType, province="province", unit=None)
        register_scope(m.RuleOverride, province="province", unit=None)
        register_scope(m.RegulationPack, province="province", unit=None)
        # The what-if service (both doors) reads a province's regulation packs through this source.
        register_pack_source(pack_source)
