from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "thidua.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.notifications.models import Notification

        # A notification is only ever its recipient's: the pages and the API filter by recipient;
        # the province path lets the administrator's tools scope them like any tenant row.
        register_scope(Notification, province="province", unit=None)
