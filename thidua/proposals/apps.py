from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "thidua.proposals"
    label = "proposals"
    verbose_name = "Đề nghị, quyết định khen thưởng"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.proposals import documents  # noqa: F401  (registers the dossier and decision document kinds)
        from thidua.proposals import models as m

        # A unit's proposal is seen by the unit; a block's by the block's members (its audience) and its head.
        register_scope(m.Proposal, province="province", unit="audience__unit", bloc="bloc_year__bloc")
        register_scope(m.ProposalAudience, province="province", unit="unit", bloc="proposal__bloc_year__bloc")
        register_scope(m.ProposalItem, province="province", unit="proposal__audience__unit", bloc="proposal__bloc_year__bloc")
        register_scope(m.ProposalEvent, province="province", unit="proposal__audience__unit", bloc="proposal__bloc_year__bloc")
        register_scope(m.ProposalAttachment, province="province", unit="proposal__audience__unit", bloc="proposal__bloc_year__bloc")
        # A decision is seen by the province and by the units whose people or collectives it awards.
        register_scope(m.Decision, province="province", unit="recipients__owner_unit", bloc="proposal__bloc_year__bloc")
        register_scope(m.DecisionRecipient, province="province", unit="owner_unit", bloc=None)
