from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "thidua.scoring"
    label = "scoring"
    verbose_name = "Chấm điểm, xếp hạng thi đua"

    def ready(self) -> None:
        from thidua.core.access import register_scope
        from thidua.scoring import models as m

        # A block's criteria sets and rounds are visible to its members; province templates to the
        # province. Which sheets a member unit sees inside its round (its own, those it is assigned
        # to cross-check, all once published) is decided by thidua.scoring.selectors.visible_sheets.
        register_scope(m.CriteriaSet, province="province", unit="bloc__years__memberships__unit", bloc="bloc")
        register_scope(m.Criterion, province="province", unit="criteria_set__bloc__years__memberships__unit", bloc="criteria_set__bloc")
        register_scope(m.ScoringRound, province="province", unit="bloc_year__memberships__unit", bloc="bloc_year__bloc")
        register_scope(m.ScoreSheet, province="province", unit="round__bloc_year__memberships__unit", bloc="round__bloc_year__bloc")
        register_scope(
            m.CrossCheckAssignment, province="province", unit="round__bloc_year__memberships__unit", bloc="round__bloc_year__bloc"
        )
        for model in (m.Score, m.ScoreChange, m.SheetEvent):
            register_scope(model, province="province", unit="sheet__round__bloc_year__memberships__unit", bloc="sheet__round__bloc_year__bloc")
        register_scope(
            m.ScoreEvidence, province="province", unit="score__sheet__round__bloc_year__memberships__unit", bloc="score__sheet__round__bloc_year__bloc"
        )
