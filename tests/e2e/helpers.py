"""Reusable steps for browser tests (sign in, collect console output)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.factories import PASSWORD

# Injected before any page script; the CSP does not apply to init scripts.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@dataclass
class BrowserLog:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    pages: list = field(default_factory=list)

    def attach(self, page) -> None:
        page.add_init_script(_CSP_LISTENER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "response",
            lambda response: response.status >= 400 and self.failed_responses.append(f"{response.status} {response.url}"),
        )
        self.pages.append(page)

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        self.console_errors.append(f"{msg.text} ({url})" if url else msg.text)

    def csp_violations(self) -> list[str]:
        found: list[str] = []
        for page in self.pages:
            if not page.is_closed():
                found += page.evaluate("window.__cspViolations || []")
        return found

    def assert_clean(self, allow_status: tuple[int, ...] = ()) -> None:
        """No console errors, no uncaught exceptions, no CSP violation on the current page and
        no failed request (except the statuses a test expects, e.g. a deliberate 404)."""
        failed = [r for r in self.failed_responses if int(r.split(" ", 1)[0]) not in allow_status]
        console = [
            c for c in self.console_errors
            if not any(f"status of {s}" in c for s in allow_status)
        ]
        problems = {
            "console errors": console,
            "page errors": self.page_errors,
            "CSP violations": self.csp_violations(),
            "failed requests": failed,
        }
        assert not any(problems.values()), {k: v for k, v in problems.items() if v}


def login(page, user, password: str = PASSWORD) -> None:
    """Sign in through the login page as `user` (a User or a username)."""
    username = user if isinstance(user, str) else user.get_username()
    page.goto("/dang-nhap/")
    submit_login(page, username, password)


def submit_login(page, username: str, password: str) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
