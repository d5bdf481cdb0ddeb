"""Content-addressed file storage under DATA_DIR: a file is stored once under its SHA-256."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def _path(prefix: str, sha: str, filename: str) -> str:
    safe_name = default_storage.get_valid_name(filename.rsplit("/", 1)[-1]) or "tep"
    return f"{prefix}/{sha[:2]}/{sha}/{safe_name}"


def store_bytes(prefix: str, data: bytes, filename: str) -> tuple[str, str]:
    """Store `data`; returns (storage path, sha256). Identical content is not stored twice."""
    sha = hashlib.sha256(data).hexdigest()
    path = _path(prefix, sha, filename)
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(data))
    return path, sha


def store_upload(prefix: str, upload) -> tuple[str, str]:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    sha = digest.hexdigest()
    path = _path(prefix, sha, upload.name)
    if not default_storage.exists(path):
        path = default_storage.save(path, upload)
    return path, sha


def sha256_of_stored(path: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()
