"""Vietnamese name material for the synthetic registry (people, units, departments).

Family-name weights follow the commonly cited distribution (Nguyễn about a third of the
population); the rest are plausible, not statistics.
"""

from __future__ import annotations

FAMILY_NAMES: list[tuple[str, float]] = [
    ("Nguyễn", 31.5), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Huỳnh", 4.0), ("Hoàng", 1.5),
    ("Phan", 4.5), ("Võ", 3.0), ("Vũ", 1.0), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Trương", 0.8), ("Đinh", 0.6), ("Lâm", 0.6),
    ("Mai", 0.4), ("Tô", 0.3), ("Châu", 0.4), ("Quách", 0.2), ("Thạch", 0.3), ("Danh", 0.3),
    ("Kim", 0.2), ("Lương", 0.3), ("Đoàn", 0.5), ("Tạ", 0.2), ("Cao", 0.4), ("La", 0.2),
]

MALE_MIDDLE: list[tuple[str, float]] = [
    ("Văn", 40.0), ("Hữu", 8.0), ("Minh", 10.0), ("Quốc", 7.0), ("Thanh", 7.0), ("Đức", 6.0),
    ("Công", 5.0), ("Hoàng", 4.0), ("Tấn", 5.0), ("Trung", 3.0), ("Xuân", 2.0), ("Chí", 3.0),
]
FEMALE_MIDDLE: list[tuple[str, float]] = [
    ("Thị", 55.0), ("Ngọc", 10.0), ("Thanh", 6.0), ("Thu", 5.0), ("Kim", 5.0), ("Mỹ", 5.0),
    ("Bích", 4.0), ("Hồng", 4.0), ("Diệu", 3.0), ("Phương", 3.0),
]

MALE_GIVEN = [
    "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đông", "Giang", "Hải", "Hào",
    "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy", "Khang", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Lợi",
    "Luân", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phúc", "Quang", "Quân", "Sang",
    "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thiện", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn",
    "Tùng", "Việt", "Vinh", "Vũ",
]
FEMALE_GIVEN = [
    "An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh",
    "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My",
    "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thơ",
    "Thu", "Thủy", "Trang", "Trâm", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến",
]

ETHNICITIES: list[tuple[str, float]] = [("Kinh", 90.0), ("Khmer", 7.0), ("Hoa", 2.0), ("Chăm", 1.0)]

POSITIONS: list[tuple[str, bool, float]] = [
    ("Chuyên viên", False, 40.0), ("Chuyên viên chính", False, 12.0), ("Cán sự", False, 8.0),
    ("Giáo viên", False, 15.0), ("Bác sĩ", False, 4.0), ("Điều dưỡng", False, 4.0), ("Nhân viên", False, 6.0),
    ("Trưởng phòng", True, 3.0), ("Phó Trưởng phòng", True, 4.0), ("Giám đốc", True, 0.5),
    ("Phó Giám đốc", True, 1.0), ("Chủ tịch", True, 0.8), ("Phó Chủ tịch", True, 1.2),
    ("Hiệu trưởng", True, 0.8), ("Phó Hiệu trưởng", True, 1.0),
]

# Province-level bodies, used once each (in this order) before the generated local units.
PROVINCE_BODIES: list[tuple[str, str]] = [
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "PARTY"), ("Ban Tổ chức Tỉnh ủy", "PARTY"),
    ("Ban Nội chính Tỉnh ủy", "PARTY"), ("Ủy ban Kiểm tra Tỉnh ủy", "PARTY"), ("Văn phòng Tỉnh ủy", "PARTY"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "STATE"), ("Sở Nội vụ", "STATE"), ("Sở Tài chính", "STATE"),
    ("Sở Xây dựng", "STATE"), ("Sở Giáo dục và Đào tạo", "STATE"), ("Sở Y tế", "STATE"),
    ("Sở Công Thương", "STATE"), ("Sở Nông nghiệp và Môi trường", "STATE"),
    ("Sở Khoa học và Công nghệ", "STATE"), ("Sở Văn hóa, Thể thao và Du lịch", "STATE"),
    ("Sở Tư pháp", "STATE"), ("Sở Dân tộc và Tôn giáo", "STATE"), ("Thanh tra tỉnh", "STATE"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "FRONT"), ("Hội Liên hiệp Phụ nữ tỉnh", "FRONT"),
    ("Hội Nông dân tỉnh", "FRONT"), ("Hội Cựu chiến binh tỉnh", "FRONT"), ("Tỉnh đoàn", "FRONT"),
    ("Liên đoàn Lao động tỉnh", "FRONT"), ("Bệnh viện Đa khoa tỉnh", "PUBLIC_SERVICE"),
    ("Đài Phát thanh và Truyền hình tỉnh", "PUBLIC_SERVICE"), ("Trường Chính trị tỉnh", "PUBLIC_SERVICE"),
]

# Local units: a template and the unit kind; "{place}" is a generated commune/ward name.
LOCAL_TEMPLATES: list[tuple[str, str]] = [
    ("Ủy ban nhân dân xã {place}", "LOCAL"), ("Đảng ủy xã {place}", "PARTY"),
    ("Ủy ban nhân dân phường {place}", "LOCAL"), ("Trường Trung học phổ thông {place}", "PUBLIC_SERVICE"),
    ("Trường Trung học cơ sở {place}", "PUBLIC_SERVICE"), ("Trường Tiểu học {place}", "PUBLIC_SERVICE"),
    ("Trường Mầm non {place}", "PUBLIC_SERVICE"), ("Trạm Y tế xã {place}", "PUBLIC_SERVICE"),
    ("Công an xã {place}", "STATE"), ("Hội Nông dân xã {place}", "FRONT"),
    ("Ủy ban Mặt trận Tổ quốc xã {place}", "FRONT"), ("Hợp tác xã nông nghiệp {place}", "ENTERPRISE"),
]
PLACE_FIRST = [
    "Tân", "Vĩnh", "Phú", "Mỹ", "Long", "Bình", "An", "Hòa", "Thạnh", "Châu", "Khánh", "Đông",
    "Tây", "Nhơn", "Hưng", "Thới", "Lộc", "Phước", "Kiên", "Giồng", "Hòn", "Thoại",
]
PLACE_SECOND = [
    "An", "Hòa", "Phú", "Thạnh", "Lợi", "Hưng", "Mỹ", "Điền", "Trung", "Tây", "Đông", "Bình",
    "Xuân", "Lộc", "Thuận", "Hiệp", "Long", "Khánh", "Châu", "Sơn", "Lương", "Đất",
]

DEPARTMENTS = [
    "Văn phòng", "Phòng Tổ chức - Hành chính", "Phòng Kế hoạch - Tài chính", "Phòng Nghiệp vụ",
    "Tổ Chuyên môn", "Phòng Thanh tra", "Tổ Văn phòng",
]
