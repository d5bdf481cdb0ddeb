from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "thidua.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from thidua.core.db import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
