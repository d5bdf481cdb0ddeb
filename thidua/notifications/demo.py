"""Demo notifications (idempotent): the reminders the member units' accounts received a week
before each demo block year's registration deadline (đăng ký thi đua), dated that day — what
`manage.py send_notifications` sends when it runs daily. The event notifications (a decision, a
returned dossier) come by themselves when the other demos run their actions."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from thidua.core.demo_dates import at

DEMO_LABELS = [("notifications", "thông báo nhắc hạn")]
DAYS_BEFORE = 7


def load_demo(doc) -> Counter:
    from thidua.blocs.models import BlocYear, Deadline, DeadlineKind
    from thidua.notifications.deadlines import send_deadline_notifications
    from thidua.notifications.models import Notification
    from thidua.org.models import Province

    stats: Counter = Counter()
    for spec in doc.get("blocks", []):
        code, name = spec["province"]
        province = Province.objects.filter(code=code, name=name).first()
        year = BlocYear.objects.filter(province=province, bloc__name=spec["name"], year=spec["year"]).first() if province else None
        deadline = Deadline.objects.filter(bloc_year=year, kind=DeadlineKind.REGISTRATION).first() if year else None
        if deadline is None:
            continue
        day = deadline.due_on - dt.timedelta(days=DAYS_BEFORE)
        _, written = send_deadline_notifications(today=day, days=DAYS_BEFORE)
        # Dated the day they were sent, not the day the demo was loaded (thidua/core/demo_dates.py).
        Notification.objects.filter(key__startswith="deadline:", key__endswith=f":{day.isoformat()}").update(created_at=at(day, 7))
        stats["notifications"] += written
    return stats
