"""Page latency through django.test.Client as a province officer (full middleware stack,
templates, session), beside the health endpoint through the same client."""

from __future__ import annotations

from bench.measurements.registry import Skipped, measurement
from bench.timing import Result, run_timed


def _client(ctx):
    from django.test import Client

    client = Client()
    client.force_login(ctx.dataset.officer)
    return client


def _get(client, url: str, params: dict | None = None, expect: str | None = None):
    def call():
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        return response

    def check(response):
        if expect is not None and expect not in response.content.decode():
            raise AssertionError(f"GET {url} did not contain {expect!r}")

    return call, check


def _page(ctx, name: str, label: str, url: str, params: dict | None, expect: str | None) -> Result:
    client = _client(ctx)
    health_call, _ = _get(client, "/suc-khoe/")
    call, check = _get(client, url, params, expect)
    timing, response = run_timed(call, repeat=ctx.repeat, warmup=ctx.warmup)
    check(response)
    baseline, _ = run_timed(health_call, repeat=ctx.repeat, warmup=ctx.warmup)
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return Result(
        name=name,
        label=f"{label} — GET {url}{query}",
        timing=timing,
        baseline_label="GET /suc-khoe/ (SELECT 1) qua cùng client",
        baseline=baseline,
        extra={"bytes": len(response.content)},
    )


@measurement("unit_list_page", "Trang danh sách đơn vị")
def unit_list_page(ctx) -> list[Result]:
    from django.urls import reverse

    url = reverse("org:unit_list")
    return [
        _page(ctx, "unit_list_page", "Danh sách đơn vị", url, None, "Đơn vị"),
        _page(ctx, "unit_list_search", "Danh sách đơn vị, tìm không dấu", url, {"q": "tinh uy"}, "Tỉnh ủy"),
    ]


@measurement("person_list_page", "Trang danh sách cá nhân")
def person_list_page(ctx) -> list[Result]:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("org:person_list")
    except NoReverseMatch as exc:
        raise Skipped("Chưa có trang danh sách cá nhân (org:person_list) trong bản dựng này.") from exc
    return [
        _page(ctx, "person_list_page", "Danh sách cá nhân", url, None, None),
        _page(ctx, "person_list_search", "Danh sách cá nhân, tìm không dấu", url, {"q": "nguyen van"}, "Nguyễn Văn"),
    ]
