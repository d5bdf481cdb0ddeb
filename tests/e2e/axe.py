"""axe-core in the browser tests: the library is bundled in tests/e2e/vendor/axe.min.js (a test
asset from the npm package axe-core, MPL-2.0, licence header intact; never served to users, no
CDN). `axe_violations(page)` injects it into the current page and returns the serious and critical
violations, one readable line per rule and element."""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")

# WCAG 2.0/2.1 A and AA rules plus axe's best practices; the page's own language is Vietnamese.
_RUN = """
async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 200)),
  }));
}
"""


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    # add_script_tag inserts a <script> element; the CSP of the page would refuse inline code,
    # so the test context bypasses CSP only for this injection (see test_accessibility.py).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    found = []
    for violation in page.evaluate(_RUN):
        if violation["impact"] in impacts:
            for node in violation["nodes"]:
                found.append(f"[{violation['impact']}] {violation['id']} ({violation['help']}): {node}")
    return found
