"""Paper tally (kiểm phiếu giấy): the consistency checks of one entry and the comparison of two.

Pure: no Django, no database. The `counting` app calls these before it writes a tally entry, and
again when it compares the two independent entries of the counting board (double entry, "bốn mắt").

The form of a tally entry (biên bản kiểm phiếu), whole non-negative numbers:

- ``present``: members (or member units) present; ``written_opinions``: absent members who sent a
  written opinion. Both bounded by the electorate (``present + written_opinions ≤ electorate``).
- ``ballots_issued`` (số phiếu phát ra) = ``ballots_used`` (số phiếu thu vào, the ballots taken out of
  the box, the written opinions included) + ``ballots_spoiled`` (phiếu hỏng or not used and handed back
  to the counting board). A spoiled ballot exchanged for a new one is counted here too, so more ballots
  may be issued than there are voters; but never more ballots taken in than voters:
  ``ballots_used ≤ present + written_opinions``.
- ``ballots_invalid`` (phiếu không hợp lệ) ≤ ``ballots_used``; valid ballots (phiếu hợp lệ) are
  ``ballots_used − ballots_invalid`` (computed, not entered).
- ``ballots_blank`` (phiếu trắng): valid ballots that agree with nobody (≤ valid).
- Per candidate ``yes`` (đồng ý) and, for approve-each polls, ``no`` (không đồng ý):
  - approve each (APPROVE_EACH): ``yes ≤ valid − blank``; when ``no`` is entered, ``yes + no = valid``
    (a name left unmarked counts as "not agree", domain-rules.md §5 "Valid ballots", UNCONFIRMED
    default); a non-blank valid ballot approves at least one and at most ``quota`` candidates, so
    ``valid − blank ≤ Σ yes ≤ (valid − blank) × min(quota, candidates)``.
  - choose one (CHOOSE_ONE): every valid ballot names one candidate or is blank:
    ``Σ yes + blank = valid`` (so the total never exceeds the valid ballots).

A result recorded from elsewhere (EXTERNAL) may lack the ballot figures of its minutes; with
``require_ballots=False`` the ballot fields may be None and the checks that need them are skipped.

Every problem and every difference is a Vietnamese sentence a counting board can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

APPROVE_EACH = "APPROVE_EACH"
CHOOSE_ONE = "CHOOSE_ONE"

# The entry's figures in the order of the form (and of the minutes).
FIELDS: list[tuple[str, str]] = [
    ("present", "Số thành viên có mặt"),
    ("written_opinions", "Số ý kiến bằng văn bản của thành viên vắng mặt"),
    ("ballots_issued", "Số phiếu phát ra"),
    ("ballots_used", "Số phiếu thu vào"),
    ("ballots_spoiled", "Số phiếu hỏng, không sử dụng (nộp lại)"),
    ("ballots_invalid", "Số phiếu không hợp lệ"),
    ("ballots_blank", "Số phiếu trắng (hợp lệ, không đồng ý ai)"),
]
FIELD_LABELS = dict(FIELDS)
BALLOT_FIELDS = ("ballots_issued", "ballots_used", "ballots_spoiled", "ballots_invalid", "ballots_blank")
PEOPLE_FIELDS = ("present", "written_opinions")


@dataclass(frozen=True)
class Problem:
    """One failed check: the field it is about (a FIELDS name or "candidates.<id>.yes") and why."""

    field: str
    message: str


@dataclass(frozen=True)
class Difference:
    """A field where the two entries disagree."""

    field: str
    label: str
    first: int | None
    second: int | None

    @property
    def message(self) -> str:
        return f"{self.label}: lần nhập 1 ghi {_show(self.first)}, lần nhập 2 ghi {_show(self.second)}."


def _show(value) -> str:
    return "(để trống)" if value is None else str(value)


def candidate_field(candidate_id, part: str) -> str:
    return f"candidates.{candidate_id}.{part}"


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def valid_ballots(counts: dict) -> int | None:
    """Phiếu hợp lệ = phiếu thu vào − phiếu không hợp lệ (None when either is missing)."""
    used, invalid = counts.get("ballots_used"), counts.get("ballots_invalid")
    if used is None or invalid is None:
        return None
    return used - invalid


def check(
    counts: dict,
    *,
    candidates: list[tuple[str, str]],
    method: str,
    electorate: int,
    quota: int | None = None,
    require_ballots: bool = True,
    require_no: bool = False,
) -> list[Problem]:
    """Every inconsistency of one tally entry; an empty list means the entry adds up.

    `counts` holds the FIELDS and ``candidates`` = {candidate id (str): {"yes": n, "no": n | None}};
    `candidates` lists (id, label) of the poll in ballot order.
    """
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(field, message))

    # 1. Whole, non-negative numbers where they are required.
    values: dict[str, int | None] = {}
    for name, label in FIELDS:
        value = counts.get(name)
        if value is None:
            if name in PEOPLE_FIELDS or require_ballots:
                bad(name, f"Chưa nhập {label.lower()}.")
            values[name] = None
        elif not _is_count(value):
            bad(name, f"{label} phải là số nguyên không âm.")
            values[name] = None
        else:
            values[name] = value
    raw_candidates = counts.get("candidates") or {}
    yes: dict[str, int | None] = {}
    no: dict[str, int | None] = {}
    for cid, label in candidates:
        row = raw_candidates.get(str(cid)) or {}
        for part, store, word in (("yes", yes, "đồng ý"), ("no", no, "không đồng ý")):
            value = row.get(part)
            field = candidate_field(cid, part)
            if value is None:
                store[cid] = None
                if part == "yes" or (require_no and method == APPROVE_EACH):
                    bad(field, f"Chưa nhập số phiếu {word} của “{label}”.")
            elif not _is_count(value):
                store[cid] = None
                bad(field, f"Số phiếu {word} của “{label}” phải là số nguyên không âm.")
            else:
                store[cid] = value
    known = {str(cid) for cid, _ in candidates}
    for cid in raw_candidates:
        if str(cid) not in known:
            bad("candidates", f"Kết quả ghi cho người/đơn vị “{cid}” không có trong danh sách bỏ phiếu.")
    if problems:
        return problems

    present, written = values["present"], values["written_opinions"]
    issued, used, spoiled = values["ballots_issued"], values["ballots_used"], values["ballots_spoiled"]
    invalid, blank = values["ballots_invalid"], values["ballots_blank"]

    # 2. People: nobody counted twice, nobody outside the electorate.
    if present > electorate:
        bad("present", f"Số thành viên có mặt ({present}) lớn hơn tổng số thành viên ({electorate}).")
    elif written > electorate - present:
        bad(
            "written_opinions",
            f"Số ý kiến bằng văn bản ({written}) lớn hơn số thành viên vắng mặt ({electorate} − {present} = {electorate - present}).",
        )
    voters = present + written

    # 3. Ballots: phát ra = thu vào + hỏng/không sử dụng; thu vào ≤ người bỏ phiếu.
    if issued is not None and used is not None and spoiled is not None and issued != used + spoiled:
        bad(
            "ballots_issued",
            f"Số phiếu phát ra ({issued}) phải bằng số phiếu thu vào cộng số phiếu hỏng, không sử dụng "
            f"({used} + {spoiled} = {used + spoiled}).",
        )
    if used is not None and used > voters:
        bad(
            "ballots_used",
            f"Số phiếu thu vào ({used}) lớn hơn số người bỏ phiếu ({present} có mặt + {written} ý kiến bằng văn bản = {voters}).",
        )
    if used is not None and invalid is not None and invalid > used:
        bad("ballots_invalid", f"Số phiếu không hợp lệ ({invalid}) lớn hơn số phiếu thu vào ({used}).")
        return problems
    valid = valid_ballots(values)
    if valid is not None and blank is not None and blank > valid:
        bad("ballots_blank", f"Số phiếu trắng ({blank}) lớn hơn số phiếu hợp lệ ({used} − {invalid} = {valid}).")
        return problems

    # 4. Votes per candidate and in total.
    voters_text = f"số người bỏ phiếu ({voters})"
    if valid is None:
        # No ballot figures (a result from elsewhere): each yes is bounded by the voters.
        for cid, label in candidates:
            if yes[cid] > voters:
                bad(candidate_field(cid, "yes"), f"Số phiếu đồng ý của “{label}” ({yes[cid]}) lớn hơn {voters_text}.")
        if method == CHOOSE_ONE and sum(yes.values()) > voters:
            bad("candidates", f"Tổng số phiếu chọn ({sum(yes.values())}) lớn hơn {voters_text}: mỗi phiếu chỉ chọn một.")
        return problems

    valid_text = f"số phiếu hợp lệ ({used} − {invalid} = {valid})"
    marked = valid - (blank or 0)
    for cid, label in candidates:
        if yes[cid] > valid:
            bad(candidate_field(cid, "yes"), f"Số phiếu đồng ý của “{label}” ({yes[cid]}) lớn hơn {valid_text}.")
        elif method == APPROVE_EACH and blank and yes[cid] > marked:
            bad(
                candidate_field(cid, "yes"),
                f"Số phiếu đồng ý của “{label}” ({yes[cid]}) lớn hơn số phiếu hợp lệ không trắng ({valid} − {blank} = {marked}).",
            )
        if method == APPROVE_EACH and no[cid] is not None and yes[cid] + no[cid] != valid:
            bad(
                candidate_field(cid, "no"),
                f"Với “{label}”: đồng ý ({yes[cid]}) cộng không đồng ý ({no[cid]}) phải bằng {valid_text}; "
                "tên không đánh dấu tính là không đồng ý.",
            )
    if problems:
        return problems
    total = sum(yes.values())
    if method == CHOOSE_ONE:
        if total + (blank or 0) != valid:
            bad(
                "candidates",
                f"Tổng số phiếu chọn ({total}) cộng số phiếu trắng ({blank or 0}) phải bằng {valid_text}: "
                "mỗi phiếu hợp lệ chọn một người/đơn vị hoặc để trắng.",
            )
    elif method == APPROVE_EACH:
        per_ballot = min(quota, len(candidates)) if quota else len(candidates)
        if total > marked * per_ballot:
            bad(
                "candidates",
                f"Tổng số phiếu đồng ý ({total}) lớn hơn {marked} phiếu hợp lệ không trắng × {per_ballot} "
                f"{'(chỉ tiêu)' if quota and quota <= len(candidates) else '(số người/đơn vị)'} = {marked * per_ballot}.",
            )
        elif total < marked:
            bad(
                "candidates",
                f"Tổng số phiếu đồng ý ({total}) nhỏ hơn số phiếu hợp lệ không trắng ({marked}): "
                "mỗi phiếu hợp lệ không trắng đồng ý ít nhất một người/đơn vị.",
            )
    return problems


def compare(first: dict, second: dict, *, candidates: list[tuple[str, str]]) -> list[Difference]:
    """Field-by-field differences between two tally entries (empty: the entries match)."""
    differences = []
    for name, label in FIELDS:
        a, b = first.get(name), second.get(name)
        if a != b:
            differences.append(Difference(name, label, a, b))
    a_rows, b_rows = first.get("candidates") or {}, second.get("candidates") or {}
    for cid, label in candidates:
        a_row, b_row = a_rows.get(str(cid)) or {}, b_rows.get(str(cid)) or {}
        for part, word in (("yes", "đồng ý"), ("no", "không đồng ý")):
            a, b = a_row.get(part), b_row.get(part)
            if a != b:
                differences.append(Difference(candidate_field(cid, part), f"Số phiếu {word} của “{label}”", a, b))
    return differences


def totals_line(counts: dict) -> str:
    """"Phát ra 15, thu vào 14, hỏng 1, không hợp lệ 1, hợp lệ 13 (trắng 0)" for lists and messages."""
    valid = valid_ballots(counts)
    parts = []
    for name, short in (("ballots_issued", "phát ra"), ("ballots_used", "thu vào"), ("ballots_spoiled", "hỏng, không sử dụng"),
                        ("ballots_invalid", "không hợp lệ")):
        if counts.get(name) is not None:
            parts.append(f"{short} {counts[name]}")
    if valid is not None:
        parts.append(f"hợp lệ {valid}" + (f" (trắng {counts['ballots_blank']})" if counts.get("ballots_blank") is not None else ""))
    return "Số phiếu: " + ", ".join(parts) + "." if parts else ""
