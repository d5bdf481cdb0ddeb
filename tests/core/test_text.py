import unicodedata

from thidua.rules.text import fold, given_name, nfc, person_sort_key, sort_key


def test_nfc_joins_decomposed_marks_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "  Đặng   Văn An ")
    assert nfc(decomposed) == "Đặng Văn An"
    assert nfc(decomposed) == unicodedata.normalize("NFC", "Đặng Văn An")


def test_fold_removes_tones_letter_marks_and_d_stroke():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("Ban Tuyên giáo Tỉnh ủy") == "ban tuyen giao tinh uy"
    assert fold(unicodedata.normalize("NFD", "ĐẶNG")) == "dang"


def test_sort_key_follows_the_vietnamese_alphabet():
    names = [
        "Zulu",
        "Ưng",
        "Uyên",
        "Trần",
        "Ơn",
        "Ông",
        "Ô",
        "Đỗ",
        "Đặng",
        "Dương",
        "Dung",
        "Bùi",
        "Âu",
        "Ân",
        "Ấn",
        "Ăn",
        "Anh",
    ]
    expected = [
        "Anh",
        "Ăn",
        "Ân",
        "Ấn",
        "Âu",
        "Bùi",
        "Dung",
        "Dương",
        "Đặng",
        "Đỗ",
        "Ô",
        "Ông",
        "Ơn",
        "Trần",
        "Uyên",
        "Ưng",
        "Zulu",
    ]
    assert sorted(names, key=sort_key) == expected


def test_tones_order_within_a_letter():
    assert sorted(["má", "mạ", "mà", "ma", "mã", "mả"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_people_sort_by_given_name_first():
    people = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Anh"]
    assert given_name("Nguyễn Thị An") == "An"
    assert sorted(people, key=person_sort_key) == ["Nguyễn Thị An", "Lê Anh", "Trần Văn Bình"]
