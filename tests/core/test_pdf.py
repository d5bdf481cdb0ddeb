"""DOCX → PDF conversion: bounded, cached by content, one LibreOffice run for many files, and
Vietnamese errors. A stand-in `soffice` script plays LibreOffice so these need no LibreOffice."""

from __future__ import annotations

import stat
import time

import pytest

from thidua.documents import pdf


def _fake(tmp_path, monkeypatch, body: str):
    script = tmp_path / "soffice"
    script.write_text("#!/bin/bash\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "soffice", lambda: str(script))
    return script


# Writes "<name>.pdf" for every "<name>.docx" argument into --outdir, and counts its runs.
CONVERTS = """
echo run >> "$(dirname "$0")/runs"
out=""; prev=""
for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done
for a in "$@"; do case "$a" in *.docx) n=$(basename "$a" .docx); printf '%%PDF-1.7 %s' "$n" > "$out/$n.pdf";; esac; done
"""


def test_many_documents_convert_in_one_run_and_are_cached_by_content(tmp_path, monkeypatch):
    _fake(tmp_path, monkeypatch, CONVERTS)
    cache = tmp_path / "cache"
    result = pdf.convert_many({"a": b"PK docx A", "b": b"PK docx B", "a-again": b"PK docx A"}, cache)
    assert result["a"] == result["a-again"] and result["a"].startswith(b"%PDF-") and result["a"] != result["b"]
    assert (tmp_path / "runs").read_text().count("run") == 1
    assert pdf.docx_to_pdf(b"PK docx B", cache) == result["b"]
    assert (tmp_path / "runs").read_text().count("run") == 1  # served from the cache, no new run
    assert sorted(p.name for p in cache.glob("*.pdf")) == sorted(f"{pdf.sha256(d)}.pdf" for d in (b"PK docx A", b"PK docx B"))


def test_a_conversion_that_hangs_is_killed_at_the_timeout(tmp_path, monkeypatch):
    _fake(tmp_path, monkeypatch, 'sleep 30 & echo $! > "$(dirname "$0")/child"\nwait\n')
    started = time.monotonic()
    with pytest.raises(pdf.PdfError) as error:
        pdf.docx_to_pdf(b"PK slow", tmp_path / "cache", timeout=1)
    assert time.monotonic() - started < 10
    assert "quá 1 giây" in error.value.message and "DOCX" in error.value.message
    child = int((tmp_path / "child").read_text())
    # The whole process group was killed, not only the shell: the sleeping child is gone (or a
    # zombie waiting for a container's init to reap it).
    deadline = time.monotonic() + 5
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(child)


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] not in "ZX"
    except FileNotFoundError:
        return False


def test_a_failing_or_missing_libreoffice_says_so_in_vietnamese(tmp_path, monkeypatch):
    _fake(tmp_path, monkeypatch, "exit 3\n")
    with pytest.raises(pdf.PdfError) as failed:
        pdf.docx_to_pdf(b"PK broken", tmp_path / "cache")
    assert "Không chuyển được văn bản sang PDF" in failed.value.message
    _fake(tmp_path, monkeypatch, "exit 0\n")  # exits without writing the PDF
    with pytest.raises(pdf.PdfError) as empty:
        pdf.docx_to_pdf(b"PK unreadable", tmp_path / "cache")
    assert "không đọc được" in empty.value.message
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    with pytest.raises(pdf.PdfError) as missing:
        pdf.docx_to_pdf(b"PK other", tmp_path / "cache")
    assert "chưa cài LibreOffice" in missing.value.message
