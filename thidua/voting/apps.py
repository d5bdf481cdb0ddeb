from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "thidua.voting"
    label = "voting"
    verbose_name = "Hội đồng, bình xét, bỏ phiếu"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.voting import models as m

        register_scope(m.Council, province="province", unit="unit", bloc="bloc", council="pk")
        register_scope(m.CouncilMember, province="province", unit="council__unit", bloc="council__bloc", council="council")
        register_scope(m.Poll, province="province", unit="council__unit", bloc="bloc_year__bloc", council="council")
        register_scope(m.Candidate, province="province", unit="poll__council__unit", bloc="poll__bloc_year__bloc", council="poll__council")
        register_scope(m.Voter, province="province", unit="poll__council__unit", bloc="poll__bloc_year__bloc", council="poll__council")
        register_scope(m.Participation, province="province", unit="poll__council__unit", bloc="poll__bloc_year__bloc", council="poll__council")
        # Ballots are read only through their poll; the province is their tenant key.
        register_scope(m.Ballot, province="province", unit=None)
