"""Demo điển hình tiên tiến (idempotent): seed 001, Bắc Kạn.

The article says that many collectives and people of the Khối thi đua các cơ quan Đảng tỉnh Bắc Kạn
were exemplary models, replicated and publicised in the media, and received the Bằng khen of the
Chairman of the provincial People's Committee at the Hội nghị gặp mặt, biểu dương các điển hình
tiên tiến tỉnh Bắc Kạn on the 75th anniversary of President Hồ Chí Minh's call for patriotic
emulation (11/6/1948 – 11/6/2023). It names none of them: the units below are the block's, the
people are the demo registry's generated people, and every story, replication and result is
invented — each entry says so ("tên minh họa", "Dữ liệu minh họa"). No decision number is made up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from thidua.exemplars import actions
from thidua.exemplars.models import Exemplar
from thidua.movements.models import Movement
from thidua.org.models import Person, Province, Unit

DEMO_LABELS = [("exemplars", "điển hình tiên tiến"), ("exemplar_replications", "nơi nhân rộng điển hình")]
EVENT = ("Bằng khen của Chủ tịch UBND tỉnh tại Hội nghị gặp mặt, biểu dương các điển hình tiên tiến tỉnh Bắc Kạn nhân dịp "
         "75 năm Ngày Chủ tịch Hồ Chí Minh ra lời kêu gọi thi đua ái quốc (11/6/1948 – 11/6/2023), bài báo nguồn 001")
ILLUSTRATIVE = "Dữ liệu minh họa: bài báo không nêu tên, câu chuyện và nơi nhân rộng"
ISSUER = "Chủ tịch UBND tỉnh Bắc Kạn"

# (unit, person index or None for the collective, movement title contains, title, story, replications)
ENTRIES = [
    ("Báo Bắc Kạn", None, "chuyển đổi số",
     "Điển hình tiên tiến trong tuyên truyền các phong trào thi đua yêu nước",
     "Mở chuyên mục “Người tốt, việc tốt” trên báo in, báo điện tử và mạng xã hội; mỗi tháng giới thiệu ít nhất "
     "bốn gương điển hình của các huyện, thành phố. Chuyển toàn bộ quy trình biên tập sang tòa soạn số.",
     [("Ban Tuyên giáo Tỉnh ủy", "", dt.date(2023, 9, 1), "Dùng chuyên mục làm nguồn bài cho bản tin nội bộ của Ban.")]),
    ("Ban Dân vận Tỉnh ủy", None, "vì người nghèo",
     "Điển hình tiên tiến trong phong trào thi đua “Dân vận khéo”",
     "Chỉ đạo xây dựng mô hình “Dân vận khéo” gắn với giảm nghèo: cán bộ dân vận nhận đỡ đầu hộ nghèo, "
     "vận động người dân hiến đất làm đường liên thôn.",
     [(None, "Các xã của huyện Pác Nặm (nơi áp dụng minh họa)", dt.date(2023, 10, 15),
       "Nhân rộng mô hình cán bộ đỡ đầu hộ nghèo tại các xã (kết quả minh họa).")]),
    ("Văn phòng Tỉnh ủy", 0, "chuyển đổi số",
     "Cá nhân điển hình trong chuyển đổi số công tác văn phòng",
     "Chủ trì số hóa hồ sơ lưu trữ và đưa văn bản điện tử vào xử lý công việc của cơ quan (câu chuyện minh họa).",
     [("Ủy ban Kiểm tra Tỉnh ủy", "", dt.date(2023, 11, 20), "Áp dụng cách lập mục lục hồ sơ số (kết quả minh họa).")]),
    ("Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh", 0, "văn hóa công sở",
     "Cá nhân điển hình trong phong trào thi đua thực hiện văn hóa công sở",
     "Tận tụy chăm sóc sức khỏe cán bộ, giữ đúng quy tắc ứng xử nơi công sở; được người bệnh và đồng nghiệp "
     "ghi nhận (câu chuyện minh họa).", []),
    ("Đảng ủy Khối các cơ quan tỉnh", 0, None,
     "Cá nhân điển hình trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "Gương mẫu trong sinh hoạt chi bộ và đăng ký làm theo gương Bác bằng việc làm cụ thể hằng năm (câu chuyện minh họa).",
     []),
]


def _movement(province: Province, words: str | None):
    if not words:
        return None
    return Movement.objects.filter(province=province, title__contains=words).order_by("pk").first()


def load_demo(doc) -> Counter:  # noqa: ARG001 — the entries live above (the article names none)
    stats: Counter = Counter()
    province = Province.objects.filter(code="06", name="Bắc Kạn").first()
    if province is None:
        return stats
    units = {u.name: u for u in Unit.objects.filter(province=province)}
    for unit_name, person_index, movement_words, title, story, replications in ENTRIES:
        unit = units.get(unit_name)
        if unit is None or Exemplar.objects.filter(unit=unit, year=2023, title=title).exists():
            continue
        person = None
        if person_index is not None:
            people = list(Person.objects.filter(unit=unit).order_by("pk")[: person_index + 1])
            if len(people) <= person_index:
                continue
            person = people[person_index]
        note = ILLUSTRATIVE + ("; cá nhân là người trong dữ liệu mẫu (tên minh họa)" if person else "") + "."
        item = actions.do_create_exemplar(actor=None, data={
            "kind": "INDIVIDUAL" if person else "COLLECTIVE", "unit": unit, "person": person,
            "movement": _movement(province, movement_words), "year": 2023, "title": title,
            "story": f"{story}\n\nĐược biểu dương: {EVENT}.", "level": "PROVINCE", "issuer": ISSUER,
            "note": note[:255],
        })
        stats["exemplars"] += 1
        for where_unit, place, applied_on, result in replications:
            actions.do_add_replication(actor=None, exemplar=item, data={
                "unit": units.get(where_unit) if where_unit else None, "place": place, "applied_on": applied_on,
                "result": result})
            stats["exemplar_replications"] += 1
    return stats
