"""Read a rendered PDF's text layer with poppler's pdftotext (-bbox-layout): the lines of each
page with their positions, for the render checks (what a văn thư sees on paper)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from xml.etree import ElementTree

NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    page: int  # 0-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def where(self) -> tuple[int, float]:
        return (self.page, self.y0)


def available() -> bool:
    return shutil.which("pdftotext") is not None


class PdfText:
    def __init__(self, pdf: bytes):
        result = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, timeout=60, check=True)
        xml = re.sub(rb"<!DOCTYPE[^>]*>", b"", result.stdout)
        root = ElementTree.fromstring(xml)
        self.lines: list[Line] = []
        self.page_count = 0
        for page_index, page in enumerate(root.iter(f"{NS}page")):
            self.page_count += 1
            for line in page.iter(f"{NS}line"):
                words = [w.text or "" for w in line.iter(f"{NS}word")]
                self.lines.append(Line(
                    page_index, " ".join(words), float(line.get("xMin")), float(line.get("yMin")),
                    float(line.get("xMax")), float(line.get("yMax")),
                ))
        self.lines.sort(key=lambda line: (line.page, round(line.y0, 1), line.x0))

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def words(self) -> list[str]:
        return [word for line in self.lines for word in line.text.split()]

    def line(self, text: str) -> Line:
        """The first line reading exactly `text` (so a phrase wrapped over two lines is not found)."""
        for line in self.lines:
            if line.text == text:
                return line
        raise AssertionError(f"no line reads {text!r}; lines: {[l.text for l in self.lines][:60]}")

    def first(self, start: str) -> Line:
        for line in self.lines:
            if line.text.startswith(start):
                return line
        raise AssertionError(f"no line starts with {start!r}")

    def last(self, start: str) -> Line:
        for line in reversed(self.lines):
            if line.text.startswith(start):
                return line
        raise AssertionError(f"no line starts with {start!r}")

    def page_lines(self, page: int) -> list[Line]:
        return [line for line in self.lines if line.page == page]
