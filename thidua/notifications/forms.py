from __future__ import annotations

from django import forms

from thidua.notifications.models import NotificationKind


class PreferencesForm(forms.Form):
    """Two boxes per kind: in the application, by e-mail."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in rows:
            kind = row["kind"]
            self.fields[f"{kind}_in_app"] = forms.BooleanField(label="Trong ứng dụng", required=False, initial=row["in_app"])
            self.fields[f"{kind}_email"] = forms.BooleanField(label="Thư điện tử", required=False, initial=row["email"])
            self.rows.append({"label": row["label"], "in_app": self[f"{kind}_in_app"], "email": self[f"{kind}_email"]})

    def choices(self) -> dict:
        return {
            kind: {"in_app": self.cleaned_data.get(f"{kind}_in_app", False), "email": self.cleaned_data.get(f"{kind}_email", False)}
            for kind in NotificationKind.values
        }
