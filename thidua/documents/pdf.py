"""DOCX → PDF with LibreOffice headless, cached by the DOCX's SHA-256.

Pure (no Django): the caller gives the cache folder. LibreOffice (Debian's libreoffice-writer-nogui,
installed by `make libreoffice`) renders the DOCX as a văn thư's Word would print it. One
conversion runs at a time per cache folder (a file lock around LibreOffice's profile, which it
cannot share between processes); each runs in its own process group with a timeout, killed whole
when it overruns. Several files are converted in one LibreOffice start (`convert_many`), which is
what keeps the render checks of `make test` short.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

DEFAULT_TIMEOUT = 90  # seconds for one LibreOffice run (a 200-page report takes well under that)
LOCK_WAIT = 120  # seconds to wait for another conversion to finish


class PdfError(Exception):
    """The PDF could not be made; `message` is what the officer reads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cached(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"{digest}.pdf"


class _Lock:
    """An exclusive lock on a file, waited for at most `wait` seconds."""

    def __init__(self, path: Path, wait: float):
        self.path, self.wait, self.handle = path, wait, None

    def __enter__(self):
        self.handle = open(self.path, "a+")
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.handle.close()
                    raise PdfError("Máy chủ đang bận chuyển văn bản khác sang PDF. Hãy thử lại sau ít phút.") from None
                time.sleep(0.2)

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _run(binary: str, profile: Path, outdir: Path, files: list[Path], timeout: float) -> None:
    command = [
        binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, files),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "HOME": str(profile.parent), "SAL_USE_VCLPLUGIN": "svp"},
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfError(
            f"Chuyển văn bản sang PDF quá {int(timeout)} giây nên đã dừng. Hãy tải bản DOCX, hoặc thử lại sau."
        ) from None
    if process.returncode != 0:
        raise PdfError("Không chuyển được văn bản sang PDF (LibreOffice báo lỗi). Hãy tải bản DOCX.")


def convert_many(documents: dict[str, bytes], cache_dir: Path, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, bytes]:
    """PDF bytes for each DOCX, keyed as given; converted once per distinct DOCX content, with
    every DOCX not yet cached converted in a single LibreOffice run."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    digests = {key: sha256(data) for key, data in documents.items()}
    missing = {digest: documents[key] for key, digest in digests.items() if not _cached(cache_dir, digest).exists()}
    if missing:
        binary = soffice()
        if binary is None:
            raise PdfError("Máy chủ chưa cài LibreOffice nên chưa xuất được PDF. Hãy tải bản DOCX (quản trị: chạy make libreoffice).")
        with _Lock(cache_dir / ".lock", LOCK_WAIT):
            missing = {d: data for d, data in missing.items() if not _cached(cache_dir, d).exists()}
            if missing:
                with tempfile.TemporaryDirectory(dir=cache_dir) as work:
                    work_dir = Path(work)
                    files = []
                    for digest, data in missing.items():
                        path = work_dir / f"{digest}.docx"
                        path.write_bytes(data)
                        files.append(path)
                    # Runs scale with the number of files; the bound grows with them.
                    _run(binary, cache_dir / "lo-profile", work_dir, files, timeout * max(1, len(files) // 10 + 1))
                    for digest in missing:
                        produced = work_dir / f"{digest}.pdf"
                        if not produced.exists() or produced.stat().st_size == 0:
                            raise PdfError("Không chuyển được văn bản sang PDF (tệp DOCX không đọc được). Hãy tải bản DOCX.")
                        os.replace(produced, _cached(cache_dir, digest))
    return {key: _cached(cache_dir, digest).read_bytes() for key, digest in digests.items()}


def docx_to_pdf(data: bytes, cache_dir: Path, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    return convert_many({"document": data}, cache_dir, timeout=timeout)["document"]
