from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "thidua.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from thidua.accounts.models import Grant
        from thidua.core.access import register_scope

        register_scope(Grant, province="province", unit="unit")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from thidua.accounts.signals import sync_profile

        post_save.connect(sync_profile, sender=get_user_model(), dispatch_uid="thidua_accounts_sync_profile")
