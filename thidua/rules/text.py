"""Vietnamese text helpers: normalisation, accent folding and alphabetical sort keys."""

from __future__ import annotations

import re
import unicodedata

# Control characters users type or paste (from PDFs, Excel, chat): C0 except tab and line breaks,
# DEL, C1, and the code points XML 1.0 forbids. A DOCX cannot hold them, so they go on input and
# again when a document is generated from older data.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
# Letters outside it (f, j, w, z) keep their Latin place.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tone order within a letter: ngang, huyền, hỏi, ngã, sắc, nặng (dictionary order).
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a new letter rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def strip_controls(value: str | None) -> str:
    """Drop control characters, keeping tabs and line breaks (a form feed or vertical tab becomes a
    line break, as Word pastes them); NFC form."""
    if value is None:
        return ""
    text = str(value).replace("\x0c", "\n").replace("\x0b", "\n")
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


def nfc(value: str | None) -> str:
    """Return the NFC form with surrounding whitespace removed, inner runs collapsed and control
    characters dropped."""
    if value is None:
        return ""
    return " ".join(strip_controls(value).split())


def fold(value: str | None) -> str:
    """Fold to lowercase ASCII-ish letters for accent-insensitive search.

    "Nguyễn Văn Đức" → "nguyen van duc". đ does not decompose under NFD, so it is mapped
    explicitly.
    """
    text = unicodedata.normalize("NFD", nfc(value).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("đ", "d")


def _split_letter(ch: str) -> tuple[str, str]:
    """Split one precomposed character into (letter with its letter marks, tone mark)."""
    decomposed = unicodedata.normalize("NFD", ch.casefold())
    base = decomposed[:1]
    tone = ""
    letter_marks = ""
    for mark in decomposed[1:]:
        if mark in _LETTER_MARKS:
            letter_marks += mark
        elif mark in _TONE_RANK:
            tone = mark
    return unicodedata.normalize("NFC", base + letter_marks), tone


def sort_key(value: str | None) -> tuple:
    """A key that sorts Vietnamese text alphabetically: letters first, then tones, then case."""
    text = nfc(value)
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in text:
        letter, tone = _split_letter(ch)
        rank = _LETTER_RANK.get(letter)
        if rank is None:
            # Digits, spaces and punctuation sort before letters, by code point.
            letters.append((0, ord(letter) if letter else 0))
        else:
            letters.append((1, rank))
        tones.append(_TONE_RANK.get(tone, 0))
    return (letters, tones, text)


def given_name(full_name: str) -> str:
    """The given name (tên) of a Vietnamese full name: its last word."""
    parts = nfc(full_name).split(" ")
    return parts[-1] if parts and parts[-1] else ""


def person_sort_key(full_name: str) -> tuple:
    """Vietnamese people are listed by given name, then by the full name."""
    return (sort_key(given_name(full_name)), sort_key(full_name))
