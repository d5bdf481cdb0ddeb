"""A deterministic planted set of Vietnamese initiative texts for the copy-detection tests and bench.

Originals are built from a field's vocabulary (nouns × modifiers × verbs), with the stock phrases
every report uses (“góp phần nâng cao chất lượng”), numbers, a person's name and a place, so
unrelated texts of one field share words and some phrases but not their sentences. Copies take an
original and: reword with synonyms, reorder sentences, change the numbers and names, keep only
60–80 % of the sentences and add new ones — in combinations. Names are invented.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

FIELDS = {
    "Giáo dục": {
        "nouns": ["bài giảng", "học sinh", "giáo viên", "sổ điểm", "thư viện", "phòng học", "tiết dạy", "đề kiểm tra",
                  "câu lạc bộ", "phụ huynh", "kế hoạch bài dạy", "thiết bị", "học liệu", "lớp học", "bài tập"],
        "mods": ["điện tử", "trực tuyến", "theo nhóm", "ngoại khóa", "tích hợp", "vùng cao", "bán trú", "dân tộc thiểu số",
                 "tiểu học", "trung học cơ sở", "số hóa", "trải nghiệm", "liên môn", "tự học", "thông minh"],
        "verbs": ["xây dựng", "thiết kế", "tổ chức", "đổi mới", "áp dụng", "biên soạn", "hướng dẫn", "kiểm tra", "sắp xếp",
                  "phân loại", "theo dõi", "đánh giá"],
    },
    "Y tế": {
        "nouns": ["hồ sơ bệnh án", "người bệnh", "trạm y tế", "thuốc", "xét nghiệm", "khám bệnh", "tiêm chủng", "điều dưỡng",
                  "phòng khám", "cấp cứu", "dinh dưỡng", "vật tư", "bệnh nhân", "thai phụ", "người cao tuổi"],
        "mods": ["điện tử", "tuyến xã", "ngoại trú", "nội trú", "tại nhà", "lưu động", "định kỳ", "miễn phí", "từ xa",
                 "ban đầu", "chuyên sâu", "cộng đồng", "khẩn cấp", "mạn tính", "dự phòng"],
        "verbs": ["cải tiến", "xây dựng", "tổ chức", "theo dõi", "quản lý", "sắp xếp", "kiểm soát", "hướng dẫn", "áp dụng",
                  "chuẩn hóa", "rút gọn", "phân luồng"],
    },
    "Nông nghiệp": {
        "nouns": ["giống lúa", "phân bón", "cây quế", "chè", "vật nuôi", "ao cá", "rừng trồng", "nông sản", "hợp tác xã",
                  "kênh mương", "máy cày", "đất dốc", "cây hồi", "thức ăn chăn nuôi", "nấm"],
        "mods": ["hữu cơ", "sạch", "vùng cao", "ngắn ngày", "chất lượng cao", "bản địa", "tiết kiệm nước", "an toàn",
                 "theo chuỗi", "tập trung", "xen canh", "ven suối", "đặc sản", "vi sinh", "liên kết"],
        "verbs": ["cải tạo", "nhân giống", "chế biến", "bảo quản", "gieo trồng", "chăm sóc", "thu hoạch", "ủ", "tưới",
                  "tiêu thụ", "phòng trừ", "chuyển đổi"],
    },
    "Cải cách hành chính": {
        "nouns": ["thủ tục", "hồ sơ", "một cửa", "chữ ký số", "văn bản", "biểu mẫu", "chứng thực", "hộ tịch", "đất đai",
                  "dịch vụ công", "phiếu hẹn", "kho lưu trữ", "giấy phép", "lịch tiếp dân", "phản ánh kiến nghị"],
        "mods": ["trực tuyến", "liên thông", "điện tử", "cấp xã", "một lần", "tập trung", "qua bưu chính", "không giấy",
                 "trên điện thoại", "đúng hạn", "minh bạch", "thống nhất", "toàn trình", "tự động", "phi tập trung"],
        "verbs": ["rút gọn", "số hóa", "liên thông", "chuẩn hóa", "tiếp nhận", "giải quyết", "công khai", "tra cứu",
                  "luân chuyển", "lưu trữ", "ký duyệt", "thống kê"],
    },
}

ACTORS = ["tổ chuyên môn", "cán bộ phụ trách", "đơn vị", "nhóm tác giả", "các thành viên", "bộ phận tiếp nhận",
          "tổ công tác", "lãnh đạo phòng"]
LINKS = ["để", "nhằm", "giúp", "qua đó", "từ đó"]
EFFECTS = ["giảm", "tăng", "tiết kiệm", "rút ngắn", "nâng"]
MEASURES = ["thời gian xử lý", "chi phí", "số lượt đi lại", "tỷ lệ sai sót", "năng suất", "sự hài lòng", "số giờ làm việc",
            "lượng giấy tờ"]
STOCK = ["Sáng kiến góp phần nâng cao chất lượng công tác chuyên môn của đơn vị",
         "Giải pháp có thể nhân rộng tại các đơn vị khác trong tỉnh",
         "Kết quả được cấp ủy và chính quyền địa phương ghi nhận",
         "Việc áp dụng không phát sinh thêm biên chế và kinh phí"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Hoàng", "Nông", "Ma", "Hà", "Lường", "Triệu", "Bế"]
GIVEN = ["Văn Khánh", "Thị Thu", "Đức Minh", "Thị Hằng", "Văn Tùng", "Thị Lan", "Hữu Nghĩa", "Thị Mai"]
PLACES = ["xã Quang Thuận", "xã Nông Thượng", "phường Đức Xuân", "xã Thượng Quan", "xã Bằng Vân", "xã Cao Minh",
          "phường Sông Cầu", "xã Vân Tùng", "xã Đồng Lạc", "xã Nghiên Loan"]
SYNONYMS = {
    "xây dựng": "thiết lập", "tổ chức": "triển khai", "hướng dẫn": "chỉ dẫn", "kiểm tra": "rà soát", "theo dõi": "giám sát",
    "đánh giá": "nhận xét", "áp dụng": "vận dụng", "sắp xếp": "bố trí", "quản lý": "điều hành", "cải tiến": "hoàn thiện",
    "giảm": "hạ", "tăng": "nâng lên", "tiết kiệm": "tiết giảm", "rút ngắn": "thu gọn", "để": "nhằm mục đích",
    "giúp": "hỗ trợ", "đơn vị": "cơ quan", "thời gian xử lý": "thời gian giải quyết", "chi phí": "kinh phí",
    "học sinh": "học trò", "người bệnh": "bệnh nhân", "hồ sơ": "giấy tờ", "thủ tục": "trình tự", "trực tuyến": "qua mạng",
    "điện tử": "số", "chăm sóc": "chăm bón", "thu hoạch": "thu hái", "tổ chuyên môn": "nhóm chuyên môn",
    "cán bộ phụ trách": "người phụ trách", "các thành viên": "mọi thành viên", "thiết bị": "dụng cụ",
}
_NUMBER = re.compile(r"\d+")


@dataclass
class Text:
    key: str
    field: str
    year: int
    title: str
    content: str


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def _sentence(rng: random.Random, voc: dict) -> str:
    n1, n2 = rng.sample(voc["nouns"], 2)
    m1, m2 = rng.sample(voc["mods"], 2)
    v1, v2 = rng.sample(voc["verbs"], 2)
    kind = rng.randrange(4)
    if kind == 0:
        s = f"{rng.choice(ACTORS)} {v1} {n1} {m1} {rng.choice(LINKS)} {v2} {n2} {m2}"
    elif kind == 1:
        s = f"{rng.choice(ACTORS)} {v1} {n1} {m1} và {n2} {m2}, {rng.choice(EFFECTS)} {rng.choice(MEASURES)} {rng.randint(10, 90)} %"
    elif kind == 2:
        s = f"Tại {rng.choice(PLACES)}, {rng.choice(ACTORS)} {v1} {rng.randint(3, 400)} {n1} {m1} trong {rng.randint(2, 24)} tháng"
    else:
        s = f"Ông (bà) {_name(rng)} đề xuất {v1} {n1} {m1} {rng.choice(LINKS)} {v2} {n2} {m2} cho {rng.choice(PLACES)}"
    return s[0].upper() + s[1:] + "."


def original(rng: random.Random, key: str, field: str) -> Text:
    voc = FIELDS[field]
    body = [_sentence(rng, voc) for _ in range(rng.randint(7, 11))]
    body.insert(rng.randrange(len(body)), rng.choice(STOCK) + ".")
    title = f"{rng.choice(voc['verbs']).capitalize()} {rng.choice(voc['nouns'])} {rng.choice(voc['mods'])} tại {rng.choice(PLACES)}"
    return Text(key, field, rng.randint(2015, 2025), title, " ".join(body))


def _reword(rng: random.Random, text: str, rate: float) -> str:
    for word, synonym in SYNONYMS.items():
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", lambda m: synonym if rng.random() < rate else m.group(0), text)
    return text


def _split(content: str) -> list[str]:
    return [s.strip() for s in content.split(".") if s.strip()]


def copy_of(rng: random.Random, key: str, source: Text, kind: str) -> Text:
    """kind: "synonyms" | "partial" | "mixed"; every copy also reorders and changes numbers and names."""
    parts = _split(source.content)
    rng.shuffle(parts)
    if kind in ("partial", "mixed"):
        keep = max(3, round(len(parts) * rng.uniform(0.6, 0.8)))
        parts = parts[:keep] + [_sentence(rng, FIELDS[source.field]).rstrip(".") for _ in range(rng.randint(1, 3))]
        rng.shuffle(parts)
    content = ". ".join(parts) + "."
    if kind in ("synonyms", "mixed"):
        content = _reword(rng, content, 0.6 if kind == "synonyms" else 0.35)
    content = _NUMBER.sub(lambda m: str(int(m.group(0)) + rng.randint(1, 9)), content)
    for place in PLACES:
        content = content.replace(place, rng.choice(PLACES))
    for surname in SURNAMES:
        content = content.replace(f"{surname} ", f"{rng.choice(SURNAMES)} ")
    title = _reword(rng, source.title, 0.5)
    return Text(key, source.field, source.year + rng.randint(0, 2), title, content)


@dataclass
class Planted:
    stored: list[Text]
    copies: list[tuple[Text, str]]  # (copy, key of its original)
    unrelated: list[Text]


def planted(seed: int = 13, stored: int = 240, copies: int = 60, unrelated: int = 60) -> Planted:
    rng = random.Random(seed)
    fields = list(FIELDS)
    originals = [original(rng, f"goc-{i}", fields[i % len(fields)]) for i in range(stored)]
    kinds = ["synonyms", "partial", "mixed"]
    made = []
    for i in range(copies):
        source = originals[rng.randrange(len(originals))]
        made.append((copy_of(rng, f"ban-sao-{i}", source, kinds[i % 3]), source.key))
    others = [original(rng, f"khac-{i}", fields[i % len(fields)]) for i in range(unrelated)]
    return Planted(originals, made, others)
