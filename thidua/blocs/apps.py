from django.apps import AppConfig


class BlocsConfig(AppConfig):
    name = "thidua.blocs"
    label = "blocs"
    verbose_name = "Khối, cụm thi đua"

    def ready(self) -> None:
        from thidua.blocs import documents  # noqa: F401  (registers the block's document kinds)
        from thidua.blocs import meeting_minutes  # noqa: F401  (biên bản hội nghị)
        from thidua.blocs import models as m
        from thidua.core.access import register_scope

        register_scope(m.Bloc, province="province", unit="years__memberships__unit", bloc="pk")
        register_scope(m.BlocYear, province="province", unit="memberships__unit", bloc="bloc")
        register_scope(m.Deadline, province="province", unit="bloc_year__memberships__unit", bloc="bloc_year__bloc")
        register_scope(m.DeadlineDefault, province="province", unit=None)
        register_scope(m.Covenant, province="province", unit="bloc_year__memberships__unit", bloc="bloc_year__bloc")
        register_scope(m.CovenantCommitment, province="province", unit="unit", bloc="covenant__bloc_year__bloc")
        register_scope(m.Meeting, province="province", unit="bloc_year__memberships__unit", bloc="bloc_year__bloc")
        register_scope(m.AgendaItem, province="province", unit="meeting__bloc_year__memberships__unit", bloc="meeting__bloc_year__bloc")
        register_scope(m.ScreenLink, province="province", unit=None, bloc="meeting__bloc_year__bloc")
        register_scope(m.MeetingAttendance, province="province", unit="meeting__bloc_year__memberships__unit", bloc="meeting__bloc_year__bloc")
        register_scope(m.BlocReport, province="province", unit="bloc_year__memberships__unit", bloc="bloc_year__bloc")
        register_scope(m.Membership, province="province", unit="bloc_year__memberships__unit", bloc="bloc_year__bloc")
