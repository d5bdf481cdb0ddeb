from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "thidua.documents"
    label = "documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.documents.models import IssuedDocument

        register_scope(IssuedDocument, province="province", unit="issuer", bloc="bloc")
