"""Reading a lower unit's Word danh sách (pure: no Django, no python-docx).

A table arrives as a grid of cell texts (python-docx repeats a merged cell's text in every grid
position it covers). This module finds the header row by its column names (accent-insensitive,
tolerant of the variants units type: "Họ và tên", "Họ tên", "Họ và tên đảng viên", "TT"/"STT",
"Chức vụ, đơn vị công tác", "Hình thức đề nghị khen thưởng"…), folds a two-row header (a merged
"Đề nghị khen thưởng" over "Danh hiệu" | "Hình thức"), skips the column-number row ("(1) (2) (3)"),
keeps section rows ("I. Danh hiệu Chiến sĩ thi đua cơ sở", "Phòng Tổ chức") as the context of the
rows below them, and gives one row per person and proposed award.

Names are compared by `name_key`: NFC, case-folded, with each syllable's tone mark taken off the
vowel it sits on and written after the syllable, so the old and new tone placements ("Hoà" /
"Hòa", "Thuỷ" / "Thủy") give the same key, while "Hòa" and "Hoa" stay different people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from thidua.rules.text import _TONE_RANK, _split_letter, fold, nfc

# ------------------------------------------------------------------------------------------- names

_TONE_DIGIT = {mark: str(rank) for mark, rank in _TONE_RANK.items() if mark}
_UNIT_WORDS = ("chi bo ", "chi doan ", "chi hoi ", "chi cuc ", "chi nhanh ")
_HONORIFICS = ("dong chi ", "d/c ", "d/c. ", "dc ", "ong ", "ba ", "anh ", "chi ")


def name_key(value: str | None) -> str:
    """A key equal for the same name whatever the tone placement ("Hoà" = "Hòa"), but keeping tones."""
    words = []
    for word in nfc(value).split(" "):
        letters, tone = [], ""
        for ch in word:
            letter, mark = _split_letter(ch)
            if letter.isalnum():
                letters.append(letter)
            if mark:
                tone = _TONE_DIGIT.get(mark, "")
        if letters:
            words.append("".join(letters) + tone)
    return " ".join(words)


def loose_key(value: str | None) -> str:
    """The accent-insensitive key (every mark off): "Nguyen Van Hoa" finds "Nguyễn Văn Hòa"."""
    return " ".join(w for w in re.split(r"[^a-z0-9]+", fold(value)) if w)


def clean_name(value: str | None) -> tuple[str, str]:
    """(name, rest) of a name cell: the first line without "Đồng chí", "Đ/c", "Ông", "Bà"; the other
    lines (a chức vụ written under the name, as Party lists do) as the rest."""
    lines = [nfc(line) for line in str(value or "").splitlines() if nfc(line)]
    if not lines:
        return "", ""
    name, rest = lines[0], " ".join(lines[1:])
    if "(" in name:  # "Nguyễn Văn An (Trưởng phòng)"
        name, _, extra = name.partition("(")
        rest = " ".join(p for p in (extra.rstrip(") ").strip(), rest) if p)
    name = re.sub(r"^\s*\d+[.)]\s*", "", name).strip(" .,;:-–")
    folded = fold(name) + " "
    if folded.startswith(_UNIT_WORDS):  # "Chi bộ Văn phòng" is a collective, not "Chị" Bộ Văn Phòng
        return nfc(name), rest
    for prefix in _HONORIFICS:
        if folded.startswith(prefix) and len(name.split()) > len(prefix.split()) + 1:
            name = " ".join(name.split()[len(prefix.split()):])
            break
    return nfc(name), rest


# ------------------------------------------------------------------------------------------ header

STT, NAME, POSITION, UNIT, AWARD, ACHIEVEMENTS, BIRTH, NOTE = "stt", "name", "position", "unit", "award", "achievements", "birth", "note"
COLUMN_LABELS = {NAME: "Họ và tên", POSITION: "Chức vụ, đơn vị", UNIT: "Đơn vị", AWARD: "Danh hiệu, hình thức khen thưởng",
                 ACHIEVEMENTS: "Thành tích", BIRTH: "Năm sinh", NOTE: "Ghi chú", STT: "STT"}


def column_kind(text: str | None) -> str | None:
    """What a header cell names, or None."""
    h = loose_key(text)
    if not h:
        return None
    if h in ("stt", "tt", "so tt", "so thu tu", "thu tu"):
        return STT
    if re.search(r"\bho (va )?ten\b|\bho ten\b|^ten( ca nhan| tap the| don vi| nguoi)?$|^ten\b.*\b(duoc de nghi|de nghi khen)", h):
        return NAME
    if "nam sinh" in h or "ngay sinh" in h:
        return BIRTH
    if h.startswith("ghi chu"):
        return NOTE
    if re.search(r"\b(da dat|da duoc|da nhan)\b", h) or "thanh tich" in h:
        return ACHIEVEMENTS
    if re.search(r"\b(danh hieu|hinh thuc|de nghi|muc khen|khen thuong)\b", h):
        return AWARD
    if re.search(r"\bchuc (vu|danh)\b|\bcong tac\b", h):
        return POSITION
    if re.search(r"^(don vi|co quan|chi bo|dang bo|phong ban|to chuc co so dang)\b", h):
        return UNIT
    return None


def _is_numbering_row(cells: list[str]) -> bool:
    """The row under a header that numbers the columns: "1 2 3 …" or "(1) (2) (3) …"."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(re.fullmatch(r"\(?\s*\d{1,2}\s*\)?(\s*=.*)?", c.strip()) for c in filled)


_ROMAN = re.compile(r"^(?:[IVXLC]+|[A-Z])\s*[.)/-]?$")
_TOTAL = re.compile(r"^(tong cong|cong|tong so)\b")


@dataclass
class Header:
    index: int  # the last header row (data starts after it)
    columns: dict[int, str]  # grid column → kind
    award_columns: list[int] = field(default_factory=list)


def find_header(grid: list[list[str]], look: int = 8) -> Header | None:
    """The header of a table: the first of its first rows naming a name column; a second header row
    (merged cells above, or the column numbers) is folded in."""
    for index, cells in enumerate(grid[:look]):
        kinds = {i: column_kind(c) for i, c in enumerate(cells)}
        if NAME not in kinds.values():
            continue
        last = index
        for nxt in range(index + 1, min(index + 3, len(grid))):
            row = grid[nxt]
            if _is_numbering_row(row):
                last = nxt
                continue
            sub = {i: column_kind(c) for i, c in enumerate(row)}
            same_name = any(kinds.get(i) == NAME and loose_key(row[i]) == loose_key(cells[i]) for i in range(len(row)))
            if same_name and any(sub.values()):
                for i, kind in sub.items():
                    if kind and (kinds.get(i) in (None, AWARD) or kind == kinds.get(i)):
                        kinds[i] = kind
                last = nxt
                continue
            break
        columns: dict[int, str] = {}
        for i, kind in kinds.items():
            if kind is None or (kind in (NAME, STT) and kind in columns.values()):
                continue  # one name column: the first (a merged header repeats its text)
            columns[i] = kind
        return Header(index=last, columns=columns, award_columns=[i for i, k in columns.items() if k == AWARD])
    return None


# ------------------------------------------------------------------------------------------ awards

# Ways units write the catalogue's awards (folded, "ubnd" already expanded).
AWARD_ALIASES: dict[str, tuple[str, ...]] = {
    "LDTT": ("ldtt", "lao dong tien tien"),
    "CSTDCS": ("cstdcs", "cstd co so", "chien si thi dua co so", "chien si thi dua cap co so"),
    "CSTD_TINH": ("cstd cap tinh", "chien si thi dua cap tinh", "chien si thi dua tinh", "cstd tinh"),
    "CSTD_TQ": ("cstd toan quoc", "chien si thi dua toan quoc"),
    "TTLDTT": ("ttldtt", "tap the lao dong tien tien"),
    "TTLDXS": ("ttldxs", "tap the lao dong xuat sac"),
    "CO_TINH": ("co thi dua cua uy ban nhan dan tinh", "co thi dua uy ban nhan dan tinh", "co thi dua cua tinh", "co thi dua tinh"),
    "CO_CP": ("co thi dua cua chinh phu", "co thi dua chinh phu"),
    "GIAY_KHEN": ("giay khen",),
    "BK_TINH": ("bang khen cua chu tich uy ban nhan dan tinh", "bang khen chu tich uy ban nhan dan tinh",
                "bang khen cua uy ban nhan dan tinh", "bang khen uy ban nhan dan tinh", "bang khen cua chu tich tinh"),
    "BK_TTG": ("bang khen cua thu tuong chinh phu", "bang khen thu tuong chinh phu", "bang khen cua thu tuong", "bang khen thu tuong"),
    "HCLD_3": ("huan chuong lao dong hang ba", "hcld hang ba"),
}
_EXPANSIONS = ((r"\bubnd\b", "uy ban nhan dan"), (r"\bttg\b", "thu tuong chinh phu"), (r"\bcp\b", "chinh phu"),
               (r"\bhcld\b", "huan chuong lao dong"), (r"\bbk\b", "bang khen"), (r"\bcstd\b", "chien si thi dua"))


def award_key(value: str | None) -> str:
    text = loose_key(value)
    for pattern, replacement in _EXPANSIONS:
        text = re.sub(pattern, replacement, text)
    return text


def award_index(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(folded phrase, code) for the catalogue's names and the aliases, longest phrase first.

    `entries` are the catalogue's (code, Vietnamese name): the law's entries, coded or manual
    appraisal, and the province's own."""
    phrases: dict[str, str] = {}
    for code, name in entries:
        key = award_key(name)
        if key:
            phrases.setdefault(key, code)
        for alias in AWARD_ALIASES.get(code, ()):
            phrases.setdefault(award_key(alias), code)
    return sorted(phrases.items(), key=lambda kv: (-len(kv[0]), kv[0]))


def match_award(text: str | None, index: list[tuple[str, str]]) -> str | None:
    """The catalogue code a cell names ("Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh" → BK_TINH),
    the longest phrase found winning; None when none is found."""
    key = award_key(text)
    if not key:
        return None
    padded = f" {key} "
    for phrase, code in index:
        if f" {phrase} " in padded:
            return code
    return None


def awards_in(texts: list[str], index: list[tuple[str, str]]) -> list[str]:
    """Distinct codes named in free text (the tờ trình's paragraphs), in order of appearance."""
    found: list[str] = []
    for text in texts:
        key = f" {award_key(text)} "
        spans: list[tuple[int, int, str]] = []
        for phrase, code in index:
            start = key.find(f" {phrase} ")
            while start >= 0:
                end = start + len(phrase) + 1
                if not any(s <= start < e or s < end <= e for s, e, _ in spans):
                    spans.append((start, end, code))
                start = key.find(f" {phrase} ", start + 1)
        for _, _, code in sorted(spans):
            if code not in found:
                found.append(code)
    return found


# -------------------------------------------------------------------------------------------- rows


@dataclass
class SourceRow:
    table: int
    line: int  # row number inside the table (1-based, header included)
    name: str
    position: str = ""
    unit_text: str = ""
    award_text: str = ""
    achievements: str = ""
    birth_year: int | None = None
    section: str = ""


def _year_of(text: str) -> int | None:
    found = re.search(r"\b(19[3-9]\d|20[0-2]\d)\b", text or "")
    return int(found.group(1)) if found else None


def table_rows(grid: list[list[str]], header: Header, table: int) -> list[SourceRow]:
    """The people of one table, below its header; section rows become the context of what follows."""
    rows: list[SourceRow] = []
    section = ""
    cols = header.columns
    name_col = next(i for i, k in cols.items() if k == NAME)
    stt_col = next((i for i, k in cols.items() if k == STT), None)
    for line, cells in enumerate(grid[header.index + 1:], start=header.index + 2):
        cells = [nfc(c) if "\n" not in c else c.strip() for c in cells]
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        if len({c.strip() for c in filled}) == 1 and len(filled) >= max(2, len(cells) - 1) and len(cells) > 1:
            section = nfc(filled[0])  # merged across the table: a section heading
            continue
        stt = cells[stt_col].strip() if stt_col is not None and stt_col < len(cells) else ""
        raw_name = cells[name_col] if name_col < len(cells) else ""
        if stt and _ROMAN.match(stt):
            section = nfc(raw_name) or section
            continue
        if _is_numbering_row(cells):
            continue
        name, rest = clean_name(raw_name)
        if not name or _TOTAL.match(loose_key(name)):
            continue
        row = SourceRow(table=table, line=line, name=name, section=section)
        parts = {POSITION: [rest] if rest else [], UNIT: [], ACHIEVEMENTS: [], BIRTH: []}
        for i, kind in cols.items():
            value = nfc(cells[i]) if i < len(cells) else ""
            if value and kind in parts and i != name_col and value not in parts[kind]:
                parts[kind].append(value)
        row.position = "; ".join(parts[POSITION])
        row.unit_text = "; ".join(parts[UNIT])
        row.achievements = "; ".join(parts[ACHIEVEMENTS])[:2000]
        row.birth_year = _year_of(" ".join(parts[BIRTH]))
        awards = [nfc(cells[i]) for i in header.award_columns if i < len(cells) and nfc(cells[i])]
        row.award_text = " | ".join(dict.fromkeys(awards))
        rows.append(row)
    return rows


def title_from(paragraphs: list[str]) -> str:
    """The trích yếu of a tờ trình ("V/v đề nghị tặng …"), or the heading of a danh sách."""
    texts = [nfc(p) for p in paragraphs if nfc(p)]
    for text in texts:
        found = re.match(r"^(v/v|về việc)\s*[:.]?\s*(.+)$", text, flags=re.IGNORECASE)
        if found:
            value = found.group(2).strip()
            return (value[:1].upper() + value[1:])[:300]
    for i, text in enumerate(texts):
        if loose_key(text).startswith("danh sach"):
            tail = texts[i + 1] if i + 1 < len(texts) and len(texts[i + 1]) < 200 and not texts[i + 1].startswith("(") else ""
            head = text.lower() if text.isupper() else text
            tail = tail.lower() if tail.isupper() else tail
            value = f"{head} {tail[:1].lower()}{tail[1:]}".strip()
            return (value[:1].upper() + value[1:])[:300]
    return ""
