"""Which data objects can generate which documents. Apps register a builder per document kind.

A builder turns its source object (plus the registered number and date, once the văn thư has
given them) into a DocumentSpec, so a document can always be re-rendered from data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from thidua.documents.layout import DocumentSpec


@dataclass
class Built:
    spec: DocumentSpec
    title: str
    issuer: Any  # org.Unit
    bloc: Any = None  # blocs.Bloc or None
    filename: str = "van-ban.docx"


@dataclass
class DocumentKind:
    code: str
    label: str
    load: Callable[[str], Any]  # source_key -> object
    key_of: Callable[[Any], str]  # object -> source_key
    build: Callable[[Any, str, dt.date | None], Built]
    # (permission action, ensure() keyword arguments) required to generate or register it.
    permission: Callable[[Any], tuple[str, dict]]


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    KINDS[kind.code] = kind
