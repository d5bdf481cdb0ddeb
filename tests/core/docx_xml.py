"""Read a generated DOCX's XML for layout assertions (page size, margins, fonts, sizes, text)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


@dataclass
class RunInfo:
    text: str
    size_pt: float | None
    bold: bool
    italic: bool
    font: str | None


class DocxXml:
    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = etree.fromstring(self.zip.read("word/document.xml"))
        self.styles = etree.fromstring(self.zip.read("word/styles.xml"))

    def attr(self, path: str, name: str) -> str:
        element = self.document.find(path, NS)
        assert element is not None, f"missing {path}"
        return element.get(f"{{{W}}}{name}")

    def page_mm(self) -> tuple[float, float]:
        size = self.document.find(".//w:sectPr/w:pgSz", NS)
        return round(int(size.get(f"{{{W}}}w")) / 56.692913, 1), round(int(size.get(f"{{{W}}}h")) / 56.692913, 1)

    def margins_mm(self) -> dict[str, float]:
        margins = self.document.find(".//w:sectPr/w:pgMar", NS)
        return {k: round(int(margins.get(f"{{{W}}}{k}")) / 56.692913, 1) for k in ("top", "bottom", "left", "right")}

    def runs(self) -> list[RunInfo]:
        result = []
        for run in self.document.iter(f"{{{W}}}r"):
            text = "".join(t.text or "" for t in run.findall("w:t", NS))
            if not text:
                continue
            rpr = run.find("w:rPr", NS)
            size = bold = italic = font = None
            if rpr is not None:
                sz = rpr.find("w:sz", NS)
                size = int(sz.get(f"{{{W}}}val")) / 2 if sz is not None else None
                b = rpr.find("w:b", NS)
                bold = b is not None and b.get(f"{{{W}}}val") not in ("0", "false")
                i = rpr.find("w:i", NS)
                italic = i is not None and i.get(f"{{{W}}}val") not in ("0", "false")
                fonts = rpr.find("w:rFonts", NS)
                font = fonts.get(f"{{{W}}}hAnsi") if fonts is not None else None
            result.append(RunInfo(text, size, bool(bold), bool(italic), font))
        return result

    def run(self, text: str) -> RunInfo:
        for run in self.runs():
            if run.text == text:
                return run
        raise AssertionError(f"no run with text {text!r}; runs: {[r.text for r in self.runs()][:40]}")

    def text(self) -> str:
        return "\n".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in self.document.iter(f"{{{W}}}p"))

    def header_has_page_field(self) -> bool:
        for name in self.zip.namelist():
            if name.startswith("word/header") and b"PAGE" in self.zip.read(name):
                return True
        return False

    def first_page_different(self) -> bool:
        return self.document.find(".//w:sectPr/w:titlePg", NS) is not None
