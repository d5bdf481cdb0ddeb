from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "thidua.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from thidua.accounts.models import Grant
        from thidua.core.access import register_scope

        register_scope(Grant, province="province", unit="unit")
