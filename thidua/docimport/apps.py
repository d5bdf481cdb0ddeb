from django.apps import AppConfig


class DocImportConfig(AppConfig):
    name = "thidua.docimport"
    label = "docimport"
    verbose_name = "Nhập hồ sơ đề nghị từ Word"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.docimport.models import ProposalImport

        # Seen by whoever may propose for the unit: its officers and the province office.
        register_scope(ProposalImport, province="province", unit="unit")
