"""The role × action matrix, checked over every route and every write action.

1. Every URL pattern's view carries `thidua_action` (set by `access()`, `signed_in`, `public`);
   ninja's API operations are checked through the API's routers.
2. Every routed page answers each persona as PERMISSIONS says: anonymous → sign-in page, a role
   without the action → 403, an object outside the persona's scope → 404 (like a missing one),
   otherwise 200 (or 405 on GET for POST-only routes, in which case the refusals are checked
   with an empty POST).
3. Every public `do_*` function in thidua/*/actions.py has an entry below saying which action it
   checks; called as the system actor it checks that action and writes exactly one audit row.

A new route or a new `do_*` function fails this file until it gets an entry here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import inspect
import pkgutil
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import thidua
from thidua.accounts.models import Role
from thidua.audit.models import AuditLog
from thidua.core.access import PERMISSIONS

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "an_officer", "unit_officer", "viewer", "qn_officer", "nobody", "anonymous"]
# The roles each persona of tests/factories.py holds (admin is a superuser: every action).
PERSONA_ROLES = {
    "an_officer": {Role.PROVINCE_OFFICER},
    "unit_officer": {Role.UNIT_OFFICER},
    "viewer": {Role.VIEWER},
    "qn_officer": {Role.PROVINCE_OFFICER},
    "nobody": set(),
}

# Routes that need no sign-in, each with the reason. A new public route must be added here.
PUBLIC_ROUTES = {
    "login": "the sign-in page itself",
    "logout": "signing out must work with an expired session",
    "health": "load balancer health check; answers only 'ok' and the database vendor",
    "favicon": "browsers fetch /favicon.ico on their own; a redirect to the static icon",
}
# ninja's own URLs that are not API operations (no data behind them).
NINJA_BUILTIN_ROUTES = {
    "api:openapi-json": "the OpenAPI schema of the API (no data)",
    "api:openapi-view": "the interactive API documentation page (no data)",
    "api:api-root": "ninja's root of /api/v1/ (no data)",
}
# API operations allowed to lack `thidua_action`, each with a reason. Keep empty.
API_OPERATION_ALLOWLIST: dict[str, str] = {}


# ------------------------------------------------------------------------------ URL patterns


@dataclass
class Route:
    name: str
    pattern: str
    callback: Callable
    params: list[str]

    @property
    def is_ninja(self) -> bool:
        func = self.callback.func if isinstance(self.callback, partial) else self.callback
        return (getattr(func, "__module__", "") or "").startswith("ninja") or "PathView.get_view" in getattr(
            func, "__qualname__", ""
        )


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Route]:
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = ":".join(p for p in (namespace, entry.namespace or "") if p) if entry.namespace else namespace
            routes += _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            params = list(entry.pattern.converters.keys()) if hasattr(entry.pattern, "converters") else []
            routes.append(Route(name, prefix + str(entry.pattern), entry.callback, params))
    return routes


ALL_ROUTES = _walk(get_resolver())
PAGE_ROUTES = [r for r in ALL_ROUTES if not r.is_ninja]


def test_every_route_is_named_and_declares_its_action():
    missing = [f"{r.pattern} ({r.name or 'unnamed'})" for r in PAGE_ROUTES if not hasattr(r.callback, "thidua_action")]
    assert not missing, "views without access()/signed_in/public: " + ", ".join(missing)
    unnamed = [r.pattern for r in PAGE_ROUTES if not r.name]
    assert not unnamed, f"routes without a name: {unnamed}"
    unknown = [
        f"{r.name} → {r.callback.thidua_action}"
        for r in PAGE_ROUTES
        if r.callback.thidua_action not in (None, "signed_in") and r.callback.thidua_action not in PERMISSIONS
    ]
    assert not unknown, f"actions missing from PERMISSIONS (refused to everyone): {unknown}"


def test_public_routes_are_exactly_the_listed_ones():
    public = {r.name for r in PAGE_ROUTES if r.callback.thidua_action is None}
    assert public == set(PUBLIC_ROUTES)


def test_ninja_urls_are_operations_or_listed_builtins():
    ninja = {r.name for r in ALL_ROUTES if r.is_ninja and not _is_ninja_operation(r.callback)}
    assert ninja == set(NINJA_BUILTIN_ROUTES)


def _is_ninja_operation(callback) -> bool:
    return "PathView.get_view" in getattr(callback, "__qualname__", "")


# ------------------------------------------------------------------------------ API operations


def walk_api_routers() -> list[tuple[str, str, Callable]]:
    """(methods, path, view_func) of every operation, read from ninja's routers directly
    (api._routers → router.path_operations → operations → view_func, nested routers too)."""
    from thidua.api.main import api

    found: list[tuple[str, str, Callable]] = []

    def walk(router, prefix: str, seen: set[int]) -> None:
        if id(router) in seen:
            return
        seen.add(id(router))
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                found.append(("/".join(operation.methods), prefix + path, operation.view_func))
        for child in getattr(router, "_routers", []):
            walk(child[1], prefix + child[0], seen)

    seen: set[int] = set()
    for prefix, router in api._routers:
        walk(router, prefix, seen)
    return found


def api_operations() -> list[tuple[str, str, Callable]]:
    """(method, path, view_func): the API module's own `api_operations()` when it exists."""
    from thidua.api import main

    if hasattr(main, "api_operations"):
        return [(entry[0], entry[1], entry[2]) for entry in main.api_operations()]
    return walk_api_routers()


def test_api_operations_cover_every_api_url():
    """Both introspections see the same view functions, and they are not empty when the URL
    configuration holds API operations (so the check below cannot pass on an empty list)."""
    listed = {id(f) for _, _, f in api_operations()}
    walked = {id(f) for _, _, f in walk_api_routers()}
    assert listed == walked
    operation_urls = [r for r in ALL_ROUTES if _is_ninja_operation(r.callback)]
    assert bool(operation_urls) == bool(listed)


def test_every_api_operation_declares_its_action():
    operations = api_operations()
    missing = [
        f"{methods} {path} ({func.__module__}.{func.__name__})"
        for methods, path, func in operations
        if not hasattr(func, "thidua_action") and f"{func.__module__}.{func.__name__}" not in API_OPERATION_ALLOWLIST
    ]
    assert not missing, "API operations without an access action: " + ", ".join(missing)
    unknown = [
        f"{path}: {func.thidua_action}"
        for _, path, func in operations
        if getattr(func, "thidua_action", None) not in (None, "signed_in") and func.thidua_action not in PERMISSIONS
    ]
    assert not unknown, f"API actions missing from PERMISSIONS: {unknown}"


# ------------------------------------------------------------------------------ persona × route


@dataclass
class Sample:
    """URL kwargs for a route and the personas whose scope holds the object.

    `requires` names a stricter action the view checks itself beyond its decorator (e.g. a page
    open to every viewer of the block whose form only the block head may use).
    """

    kwargs: Callable[[Any], dict[str, Any]]
    owners: set[str]
    requires: str | None = None


def _profile_uid(user):
    from thidua.accounts.models import AccountProfile

    return AccountProfile.objects.get(user=user).uid


def _an_officer_token(world):
    from thidua.accounts import actions

    token, _ = actions.do_create_api_token(actor=world.an_officer, name="Phần mềm báo cáo")
    return token


def _sample_person(world):
    from thidua.org import actions

    return actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Hoa", "gender": "NU"})


def _sample_department(world):
    from thidua.org import actions

    return actions.do_create_department(actor=None, unit=world.tuyen_giao, name="Phòng Tuyên truyền")


@dataclass
class Extras:
    """Objects of the later features, built once per world for the routes that need them.

    A 2024 block of An Giang with Ban Tuyên giáo and Ban Tổ chức as members (Ban Tổ chức heads
    it, so no persona is block head), a draft covenant, a meeting, a province-level movement,
    Ban Tuyên giáo's registration, and the covenant document, registered and signed.
    """

    bloc: Any
    year: Any
    membership: Any
    covenant: Any
    commitment: Any
    meeting: Any
    movement: Any
    registration: Any
    document: Any


def extras(world) -> Extras:
    cached = getattr(world, "_matrix_extras", None)
    if cached is not None:
        return cached
    from thidua.blocs import actions as blocs
    from thidua.blocs.models import BlocKind, MeetingKind
    from thidua.documents.actions import do_generate_document, do_register_document, do_upload_signed_scan
    from thidua.movements import actions as movements

    bloc = blocs.do_create_bloc(
        actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI}
    )
    year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=2024)
    membership = blocs.do_add_member(actor=None, bloc_year=year, unit=world.tuyen_giao)
    blocs.do_add_member(actor=None, bloc_year=year, unit=world.to_chuc)
    year = blocs.do_set_leadership(
        actor=None, bloc_year=year, head_unit=world.to_chuc, deputy_unit=None, expected_version=year.version
    )
    covenant = blocs.do_draft_covenant(
        actor=None, bloc_year=year, content="Thi đua hoàn thành xuất sắc nhiệm vụ chính trị", place="An Giang"
    )
    meeting = blocs.do_record_meeting(
        actor=None, bloc_year=year, data={"kind": MeetingKind.COVENANT_SIGNING, "held_on": dt.date(2024, 3, 15), "place": "An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    movement = movements.do_create_movement(
        actor=None, province=world.an_giang,
        data={"title": "Phong trào thi đua năm 2024", "kind": "REGULAR", "level": "PROVINCE", "start_date": dt.date(2024, 1, 1)},
        plan_file=SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 ke hoach", content_type="application/pdf"),
    )
    registration = movements.do_start_registration(actor=None, bloc_year=year, unit=world.tuyen_giao)
    document = do_generate_document(actor=None, kind_code="COVENANT", source=covenant)
    document = do_register_document(
        actor=None, document=document, number="05", issued_on=dt.date(2024, 3, 15), expected_version=document.version
    )
    document = do_upload_signed_scan(
        actor=None, document=document, upload=SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4 ban ky"),
        expected_version=document.version,
    )
    world._matrix_extras = Extras(
        bloc=bloc, year=year, membership=membership, covenant=covenant,
        commitment=covenant.commitments.get(unit=world.tuyen_giao), meeting=meeting, movement=movement,
        registration=registration, document=document,
    )
    return world._matrix_extras


# Ban Tuyên giáo (An Giang before the merger): the An Giang officer, the unit's own officer and
# the An Giang viewer see it and what it holds; Quảng Ninh's officer does not.
UNIT_SEEN_BY = {"admin", "an_officer", "unit_officer", "viewer"}
# A province is seen through province-wide grants only.
PROVINCE_SEEN_BY = {"admin", "an_officer", "viewer"}
# The viewer's account and grant lie in An Giang: the An Giang officer and admin manage them.
ACCOUNT_SEEN_BY = {"admin", "an_officer"}

SAMPLES: dict[str, Sample] = {
    "org:unit_detail": Sample(lambda w: {"uid": w.tuyen_giao.uid}, UNIT_SEEN_BY),
    "org:unit_edit": Sample(lambda w: {"uid": w.tuyen_giao.uid}, UNIT_SEEN_BY),
    "org:department_create": Sample(lambda w: {"uid": w.tuyen_giao.uid}, UNIT_SEEN_BY),
    "org:department_edit": Sample(lambda w: {"uid": _sample_department(w).uid}, UNIT_SEEN_BY),
    "org:person_detail": Sample(lambda w: {"uid": _sample_person(w).uid}, UNIT_SEEN_BY),
    "org:person_edit": Sample(lambda w: {"uid": _sample_person(w).uid}, UNIT_SEEN_BY),
    "org:position_add": Sample(lambda w: {"uid": _sample_person(w).uid}, UNIT_SEEN_BY),
    "org:person_transfer": Sample(lambda w: {"uid": _sample_person(w).uid}, UNIT_SEEN_BY),
    "org:province_detail": Sample(lambda w: {"uid": w.an_giang.uid}, PROVINCE_SEEN_BY),
    "org:province_edit": Sample(lambda w: {"uid": w.an_giang.uid}, PROVINCE_SEEN_BY),
    "accounts:user_detail": Sample(lambda w: {"uid": _profile_uid(w.viewer)}, ACCOUNT_SEEN_BY),
    "accounts:user_set_active": Sample(lambda w: {"uid": _profile_uid(w.viewer)}, ACCOUNT_SEEN_BY),
    "accounts:user_reset_password": Sample(lambda w: {"uid": _profile_uid(w.viewer)}, ACCOUNT_SEEN_BY),
    "accounts:grant_add": Sample(lambda w: {"uid": _profile_uid(w.viewer)}, ACCOUNT_SEEN_BY),
    "accounts:grant_end": Sample(lambda w: {"grant_uid": w.viewer.grants.get().uid}, ACCOUNT_SEEN_BY),
    # A token is only ever its owner's.
    "accounts:token_revoke": Sample(lambda w: {"token_uid": _an_officer_token(w).uid}, {"an_officer"}),
    # blocks: members' officers see the block; only province managers (or its head) run it.
    "blocs:bloc_detail": Sample(lambda w: {"uid": extras(w).bloc.uid}, UNIT_SEEN_BY),
    "blocs:bloc_edit": Sample(lambda w: {"uid": extras(w).bloc.uid}, UNIT_SEEN_BY),
    "blocs:year_open": Sample(lambda w: {"uid": extras(w).bloc.uid}, UNIT_SEEN_BY),
    "blocs:rotation_set": Sample(lambda w: {"uid": extras(w).bloc.uid}, UNIT_SEEN_BY),
    "blocs:deadline_set": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY),
    "blocs:year_detail": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY),
    "blocs:member_add": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY),
    "blocs:leadership_set": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY),
    "blocs:member_remove": Sample(lambda w: {"uid": extras(w).membership.uid}, UNIT_SEEN_BY),
    "blocs:covenant": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY),
    "blocs:covenant_open": Sample(lambda w: {"uid": extras(w).covenant.uid}, UNIT_SEEN_BY),
    "blocs:covenant_sign": Sample(lambda w: {"uid": extras(w).covenant.uid}, UNIT_SEEN_BY),
    "blocs:covenant_generate": Sample(lambda w: {"uid": extras(w).covenant.uid}, UNIT_SEEN_BY),
    "blocs:commitment_confirm": Sample(lambda w: {"uid": extras(w).commitment.uid}, UNIT_SEEN_BY),
    "blocs:meeting_create": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY, requires="bloc.lead"),
    "blocs:meeting_detail": Sample(lambda w: {"uid": extras(w).meeting.uid}, UNIT_SEEN_BY),
    "blocs:meeting_minutes_generate": Sample(lambda w: {"uid": extras(w).meeting.uid}, UNIT_SEEN_BY),
    "blocs:report": Sample(lambda w: {"uid": extras(w).year.uid, "kind": "tong-ket"}, UNIT_SEEN_BY),
    # A province-level movement is seen through province-wide grants; a registration by its unit too.
    "movements:movement_detail": Sample(lambda w: {"uid": extras(w).movement.uid}, PROVINCE_SEEN_BY),
    "movements:movement_edit": Sample(lambda w: {"uid": extras(w).movement.uid}, PROVINCE_SEEN_BY),
    "movements:movement_advance": Sample(lambda w: {"uid": extras(w).movement.uid}, PROVINCE_SEEN_BY),
    "movements:movement_plan_file": Sample(lambda w: {"uid": extras(w).movement.uid}, PROVINCE_SEEN_BY),
    "movements:registration_rollup": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY),
    "movements:registration_start": Sample(lambda w: {"uid": extras(w).year.uid}, UNIT_SEEN_BY),
    "movements:registration_detail": Sample(lambda w: {"uid": extras(w).registration.uid}, UNIT_SEEN_BY),
    "movements:registration_submit": Sample(lambda w: {"uid": extras(w).registration.uid}, UNIT_SEEN_BY),
    "movements:registration_review": Sample(lambda w: {"uid": extras(w).registration.uid}, UNIT_SEEN_BY),
    # The covenant document is issued by the head unit (Ban Tổ chức) for the block.
    "documents:download": Sample(lambda w: {"uid": extras(w).document.uid}, PROVINCE_SEEN_BY),
    "documents:download_pdf": Sample(lambda w: {"uid": extras(w).document.uid}, PROVINCE_SEEN_BY),
    "documents:download_scan": Sample(lambda w: {"uid": extras(w).document.uid}, PROVINCE_SEEN_BY),
    "documents:register": Sample(lambda w: {"uid": extras(w).document.uid}, PROVINCE_SEEN_BY),
    "documents:upload_scan": Sample(lambda w: {"uid": extras(w).document.uid}, PROVINCE_SEEN_BY),
}


def test_every_route_with_parameters_has_a_sample():
    missing = [r.name for r in PAGE_ROUTES if r.params and r.name not in SAMPLES]
    assert not missing, f"add a Sample (kwargs and owners) for: {missing}"


def expected_outcome(persona: str, action: str | None, owners: set[str] | None) -> str:
    if action is None:
        return "public"
    if persona == "anonymous":
        return "login"
    if action != "signed_in":
        can = persona == "admin" or bool(PERSONA_ROLES[persona] & PERMISSIONS.get(action, frozenset()))
        if not can:
            return "403"
    if owners is not None and persona not in owners:
        return "404"
    return "ok"


def _check(response, outcome: str, login_url: str) -> str | None:
    """None when `response` is the expected outcome, else a description of the mismatch."""
    code = response.status_code
    if outcome == "ok":
        return None if code in (200, 405) else f"expected 200, got {code}"
    if outcome == "public":
        return None if code in (200, 301, 302, 405) else f"expected a public answer, got {code}"
    if outcome == "login":
        location = response.headers.get("Location", "")
        return None if code == 302 and location.startswith(login_url) else f"expected redirect to sign-in, got {code} {location}"
    if outcome == "404":
        if code != 404:
            return f"expected 404, got {code}"
        return None if "Không tìm thấy" in response.content.decode() else "404 page is not the Vietnamese one"
    if outcome == "403":
        return None if code == 403 else f"expected 403, got {code}"
    raise AssertionError(outcome)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The matrix builds the world many times; password hashing strength is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.sqlite
@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda r: r.name)
def test_route_answers_every_persona_as_the_matrix_says(world, route):
    action = route.callback.thidua_action
    sample = SAMPLES.get(route.name)
    if route.params and sample is None:
        pytest.fail(f"{route.name} takes {route.params}: add a Sample for it")
    if sample is not None and sample.requires:
        action = sample.requires
    url = reverse(route.name, kwargs=sample.kwargs(world) if sample else None)
    login_url = reverse("login")
    problems = []
    for persona in PERSONAS:
        outcome = expected_outcome(persona, action, sample.owners if sample else None)
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        response = client.get(url)
        if response.status_code == 405 and outcome not in ("ok", "public"):
            # POST-only route: the refusal must also hold for a POST (empty, so nothing changes).
            response = client.post(url, {})
        problem = _check(response, outcome, login_url)
        if problem:
            problems.append(f"{persona}: {problem}")
    assert not problems, f"{route.name} ({action}) at {url}: " + "; ".join(problems)


def test_refused_posts_change_nothing(world):
    """The out-of-scope officer's POST to lock an account is a 404 and the account stays active."""
    client = Client()
    client.force_login(world.qn_officer)
    response = client.post(reverse("accounts:user_set_active", kwargs={"uid": _profile_uid(world.viewer)}), {"active": "0"})
    assert response.status_code == 404
    world.viewer.refresh_from_db()
    assert world.viewer.is_active


# ------------------------------------------------------------------------------ do_* actions


@dataclass
class ActionEntry:
    """How to call a `do_*` function minimally, and the PERMISSIONS action it checks.

    `call(world, actor)` performs the call; `setup(world)` (optional) prepares objects first and
    its result is passed as a third argument. `actor` is None (the system) unless `as_persona`
    names a persona (for functions that act on the actor's own account). `action=None` needs a
    reason in `note`.
    """

    action: str | None
    call: Callable
    setup: Callable | None = None
    as_persona: str | None = None
    note: str = ""


def _org():
    from thidua.org import actions

    return actions


def _acc():
    from thidua.accounts import actions

    return actions


def _blocs():
    from thidua.blocs import actions

    return actions


def _mov():
    from thidua.movements import actions

    return actions


def _docs():
    from thidua.documents import actions

    return actions


def _bloc(world):
    return _blocs().do_create_bloc(
        actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": "KHOI"}
    )


def _open_year(world, members=True, head=True):
    """A 2024 year of a new block; Ban Tuyên giáo and Ban Tổ chức members, Ban Tổ chức the head."""
    year, _ = _blocs().do_open_year(actor=None, bloc=_bloc(world), year=2024)
    if members:
        for unit in (world.tuyen_giao, world.to_chuc):
            _blocs().do_add_member(actor=None, bloc_year=year, unit=unit)
    if head:
        year = _blocs().do_set_leadership(
            actor=None, bloc_year=year, head_unit=world.to_chuc, deputy_unit=None, expected_version=year.version
        )
    return year


def _draft_covenant(world, targets=False):
    covenant = _blocs().do_draft_covenant(
        actor=None, bloc_year=_open_year(world), content="Thi đua hoàn thành xuất sắc nhiệm vụ chính trị", place="An Giang"
    )
    if targets:
        covenant = _blocs().do_update_covenant(
            actor=None, covenant=covenant, content=covenant.content, place=covenant.place,
            targets={world.tuyen_giao.pk: "100% cán bộ hoàn thành tốt nhiệm vụ", world.to_chuc.pk: "Tham mưu đúng tiến độ"},
            expected_version=covenant.version,
        )
    return covenant


def _open_covenant(world, confirmed=False):
    covenant = _draft_covenant(world, targets=True)
    covenant = _blocs().do_open_covenant(actor=None, covenant=covenant, expected_version=covenant.version)
    if confirmed:
        for commitment in covenant.commitments.all():
            _blocs().do_confirm_commitment(actor=None, commitment=commitment, signer_name="Trần Văn Hùng", signer_title="Trưởng ban")
    return covenant


def _meeting(world):
    return _blocs().do_record_meeting(
        actor=None, bloc_year=_open_year(world), data={"kind": "OTHER", "held_on": dt.date(2024, 3, 15), "place": "An Giang"},
        attending=[world.tuyen_giao],
    )


def _movement(world):
    return _mov().do_create_movement(
        actor=None, province=world.an_giang,
        data={"title": "Phong trào thi đua năm 2024", "kind": "REGULAR", "level": "PROVINCE", "start_date": dt.date(2024, 1, 1)},
    )


def _registration(world, state="DRAFT"):
    registration = _mov().do_start_registration(actor=None, bloc_year=_open_year(world), unit=world.tuyen_giao)
    if state == "DRAFT":
        return registration
    registration = _mov().do_update_registration(
        actor=None, registration=registration, targets="Hoàn thành xuất sắc nhiệm vụ",
        items=[{"subject_kind": "collective", "award": "TTLDXS"}], expected_version=registration.version,
    )
    registration = _mov().do_submit_registration(actor=None, registration=registration, expected_version=registration.version)
    if state == "APPROVED":
        registration = _mov().do_approve_registration(actor=None, registration=registration, expected_version=registration.version)
    return registration


def _document(world, registered=False):
    document = _docs().do_generate_document(actor=None, kind_code="COVENANT", source=_draft_covenant(world))
    if registered:
        document = _docs().do_register_document(
            actor=None, document=document, number="05", issued_on=dt.date(2024, 3, 15), expected_version=document.version
        )
    return document


DECISION = {"decision_number": "15-QĐ/TU", "decision_date": dt.date(2025, 8, 1), "decision_issuer": "Tỉnh ủy An Giang"}


def _person(world, name="Nguyễn Văn An", unit=None):
    return _org().do_create_person(actor=None, unit=unit or world.tuyen_giao, data={"full_name": name, "gender": "NAM"})


def _viewer_grant(world):
    return world.viewer.grants.get()


# ensure_can_manage_user() lets the system actor through without asking ensure(), so these run
# as an officer who holds the right; the spy then sees the check.
MANAGE_NOTE = "called as an officer: the system actor skips the account-management check entirely"

ACTIONS: dict[str, ActionEntry] = {
    # org
    "thidua.org.actions.do_create_unit": ActionEntry(
        "unit.edit",
        lambda w, a: _org().do_create_unit(actor=a, province=w.an_giang, data={"name": "Ban Nội chính Tỉnh ủy", "kind": "PARTY"}),
    ),
    "thidua.org.actions.do_update_unit": ActionEntry(
        "unit.edit",
        lambda w, a: _org().do_update_unit(
            actor=a, unit=w.tuyen_giao, data={"short_name": "BTG"}, expected_version=w.tuyen_giao.version
        ),
    ),
    "thidua.org.actions.do_create_person": ActionEntry("person.edit", lambda w, a: _org().do_create_person(
        actor=a, unit=w.tuyen_giao, data={"full_name": "Trần Thị Bích", "gender": "NU"})),
    "thidua.org.actions.do_update_person": ActionEntry(
        "person.edit",
        lambda w, a, p: _org().do_update_person(actor=a, person=p, data={"position_title": "Chuyên viên"}, expected_version=p.version),
        setup=_person,
    ),
    "thidua.org.actions.do_create_department": ActionEntry(
        "department.edit", lambda w, a: _org().do_create_department(actor=a, unit=w.tuyen_giao, name="Phòng Tuyên truyền")
    ),
    "thidua.org.actions.do_rename_department": ActionEntry(
        "department.edit",
        lambda w, a, d: _org().do_rename_department(actor=a, department=d, name="Phòng Lý luận", expected_version=d.version),
        setup=lambda w: _org().do_create_department(actor=None, unit=w.tuyen_giao, name="Phòng Tuyên truyền"),
    ),
    "thidua.org.actions.do_add_position": ActionEntry(
        "person.edit",
        lambda w, a, p: _org().do_add_position(
            actor=a, person=p, data={"unit": w.tuyen_giao, "title": "Phó Trưởng ban", "start_date": dt.date(2024, 1, 1)}
        ),
        setup=_person,
    ),
    "thidua.org.actions.do_record_merge": ActionEntry(
        "lineage.edit",
        lambda w, a: _org().do_record_merge(
            actor=a, sources=[w.tuyen_giao, w.to_chuc], effective_on=dt.date(2025, 8, 1), decision=DECISION,
            new_unit={"name": "Ban Tổ chức - Tuyên giáo Tỉnh ủy", "kind": "PARTY"},
        ),
    ),
    "thidua.org.actions.do_record_split": ActionEntry(
        "lineage.edit",
        lambda w, a: _org().do_record_split(
            actor=a, source=w.tuyen_giao, new_names=["Ban Tuyên giáo", "Ban Dân vận"], effective_on=dt.date(2025, 8, 1),
            decision=DECISION,
        ),
    ),
    "thidua.org.actions.do_record_rename": ActionEntry(
        "lineage.edit",
        lambda w, a: _org().do_record_rename(
            actor=a, unit=w.tuyen_giao, new_name="Ban Tuyên giáo và Dân vận Tỉnh ủy", effective_on=dt.date(2025, 8, 1),
            decision=DECISION,
        ),
    ),
    "thidua.org.actions.do_record_dissolve": ActionEntry(
        "lineage.edit",
        lambda w, a: _org().do_record_dissolve(actor=a, unit=w.to_chuc, effective_on=dt.date(2025, 8, 1), decision=DECISION),
    ),
    "thidua.org.actions.do_transfer_person": ActionEntry(
        "person.edit",
        lambda w, a, p: _org().do_transfer_person(
            actor=a, person=p, to_unit=w.to_chuc, effective_on=dt.date(2025, 8, 1), decision=DECISION
        ),
        setup=_person,
    ),
    "thidua.org.actions.do_update_province_settings": ActionEntry(
        "province.edit",
        lambda w, a: _org().do_update_province_settings(
            actor=a, province=w.an_giang, data={"tdkt_body_name": "Ban Thi đua - Khen thưởng tỉnh An Giang"},
            expected_version=w.an_giang.version,
        ),
    ),
    # accounts
    "thidua.accounts.actions.do_create_user": ActionEntry(
        "accounts.manage",
        lambda w, a: _acc().do_create_user(
            actor=a, username="tran-van-binh", full_name="Trần Văn Bình", password="Mật-khẩu-dài-2025!", province=w.an_giang
        ),
    ),
    "thidua.accounts.actions.do_set_user_active": ActionEntry(
        "accounts.manage",
        lambda w, a: _acc().do_set_user_active(actor=a, user=w.viewer, active=False),
        as_persona="an_officer",
        note=MANAGE_NOTE,
    ),
    "thidua.accounts.actions.do_reset_password": ActionEntry(
        "accounts.manage",
        lambda w, a: _acc().do_reset_password(actor=a, user=w.viewer, password="Mật-khẩu-mới-dài-2025!"),
        as_persona="an_officer",
        note=MANAGE_NOTE,
    ),
    "thidua.accounts.actions.do_change_own_password": ActionEntry(
        None,
        lambda w, a: _acc().do_change_own_password(actor=a, password="Mật-khẩu-mới-dài-2025!"),
        as_persona="viewer",
        note="acts on the signed-in account itself: any active account may, so no PERMISSIONS action",
    ),
    "thidua.accounts.actions.do_add_grant": ActionEntry(
        "accounts.manage",
        lambda w, a: _acc().do_add_grant(
            actor=a, user=w.nobody, role=Role.VIEWER, scope_kind="PROVINCE", province=w.an_giang, valid_from=dt.date(2025, 7, 1)
        ),
    ),
    "thidua.accounts.actions.do_end_grant": ActionEntry(
        "accounts.manage", lambda w, a: _acc().do_end_grant(actor=a, grant=_viewer_grant(w), valid_to=dt.date(2025, 12, 31))
    ),
    "thidua.accounts.actions.do_create_api_token": ActionEntry(
        "self.manage",
        lambda w, a: _acc().do_create_api_token(actor=a, name="Phần mềm báo cáo"),
        as_persona="an_officer",
        note="a token belongs to the actor (only the system names another owner: manage.py create_token)",
    ),
    "thidua.accounts.actions.do_revoke_api_token": ActionEntry(
        "accounts.manage",
        lambda w, a, t: _acc().do_revoke_api_token(actor=a, token=t),
        setup=_an_officer_token,
        as_persona="admin",
        note="revoking someone else's token is account management (one's own is self.manage); " + MANAGE_NOTE,
    ),
    # blocs
    "thidua.blocs.actions.do_create_bloc": ActionEntry(
        "bloc.manage",
        lambda w, a: _blocs().do_create_bloc(
            actor=a, province=w.an_giang, data={"name": "Khối thi đua các sở, ban, ngành", "kind": "KHOI"}
        ),
    ),
    "thidua.blocs.actions.do_update_bloc": ActionEntry(
        "bloc.manage",
        lambda w, a, b: _blocs().do_update_bloc(
            actor=a, bloc=b, data={"description": "Gồm các cơ quan tham mưu của Tỉnh ủy"}, expected_version=b.version
        ),
        setup=_bloc,
    ),
    "thidua.blocs.actions.do_open_year": ActionEntry(
        "bloc.manage", lambda w, a, b: _blocs().do_open_year(actor=a, bloc=b, year=2025), setup=_bloc
    ),
    "thidua.blocs.actions.do_add_member": ActionEntry(
        "bloc.manage",
        lambda w, a, y: _blocs().do_add_member(actor=a, bloc_year=y, unit=w.tuyen_giao),
        setup=lambda w: _open_year(w, members=False, head=False),
    ),
    "thidua.blocs.actions.do_remove_member": ActionEntry(
        "bloc.manage",
        lambda w, a, y: _blocs().do_remove_member(
            actor=a, membership=y.memberships.get(unit=w.tuyen_giao), left_on=dt.date(2024, 6, 30), reason="Sắp xếp tổ chức bộ máy"
        ),
        setup=_open_year,
    ),
    "thidua.blocs.actions.do_set_leadership": ActionEntry(
        "bloc.lead",
        lambda w, a, y: _blocs().do_set_leadership(
            actor=a, bloc_year=y, head_unit=w.tuyen_giao, deputy_unit=w.to_chuc, expected_version=y.version
        ),
        setup=lambda w: _open_year(w, head=False),
    ),
    "thidua.blocs.actions.do_set_rotation": ActionEntry(
        "bloc.manage", lambda w, a, b: _blocs().do_set_rotation(actor=a, bloc=b, units=[w.tuyen_giao, w.to_chuc]), setup=_bloc
    ),
    "thidua.blocs.actions.do_set_deadline": ActionEntry(
        "bloc.lead",
        lambda w, a, y: _blocs().do_set_deadline(actor=a, bloc_year=y, kind="REGISTRATION", due_on=dt.date(2024, 2, 28)),
        setup=_open_year,
    ),
    "thidua.blocs.actions.do_set_deadline_defaults": ActionEntry(
        "bloc.manage",
        lambda w, a: _blocs().do_set_deadline_defaults(actor=a, province=w.an_giang, defaults={"REGISTRATION": (2, 15)}),
    ),
    "thidua.blocs.actions.do_draft_covenant": ActionEntry(
        "bloc.lead",
        lambda w, a, y: _blocs().do_draft_covenant(actor=a, bloc_year=y, content="Thi đua hoàn thành nhiệm vụ", place="An Giang"),
        setup=_open_year,
    ),
    "thidua.blocs.actions.do_update_covenant": ActionEntry(
        "bloc.lead",
        lambda w, a, c: _blocs().do_update_covenant(
            actor=a, covenant=c, content=c.content, place=c.place, targets={w.tuyen_giao.pk: "Chỉ tiêu"}, expected_version=c.version
        ),
        setup=_draft_covenant,
    ),
    "thidua.blocs.actions.do_open_covenant": ActionEntry(
        "bloc.lead",
        lambda w, a, c: _blocs().do_open_covenant(actor=a, covenant=c, expected_version=c.version),
        setup=lambda w: _draft_covenant(w, targets=True),
    ),
    "thidua.blocs.actions.do_confirm_commitment": ActionEntry(
        "registration.edit",
        lambda w, a, c: _blocs().do_confirm_commitment(
            actor=a, commitment=c.commitments.get(unit=w.tuyen_giao), signer_name="Trần Văn Hùng", signer_title="Trưởng ban"
        ),
        setup=_open_covenant,
    ),
    "thidua.blocs.actions.do_sign_covenant": ActionEntry(
        "bloc.lead",
        lambda w, a, c: _blocs().do_sign_covenant(actor=a, covenant=c, signed_on=dt.date(2024, 3, 15), expected_version=c.version),
        setup=lambda w: _open_covenant(w, confirmed=True),
    ),
    "thidua.blocs.actions.do_record_meeting": ActionEntry(
        "bloc.lead",
        lambda w, a, y: _blocs().do_record_meeting(
            actor=a, bloc_year=y, data={"kind": "OTHER", "held_on": dt.date(2024, 3, 15), "place": "An Giang"}, attending=[w.to_chuc]
        ),
        setup=_open_year,
    ),
    "thidua.blocs.actions.do_update_meeting": ActionEntry(
        "bloc.lead",
        lambda w, a, m: _blocs().do_update_meeting(
            actor=a, meeting=m, data={"place": "Long Xuyên"}, attending=[w.tuyen_giao], expected_version=m.version
        ),
        setup=_meeting,
    ),
    "thidua.blocs.actions.do_save_report": ActionEntry(
        "bloc.lead",
        lambda w, a, y: _blocs().do_save_report(
            actor=a, bloc_year=y, kind="ANNUAL", sections={"situation": "Các đơn vị hoàn thành nhiệm vụ"}, expected_version=None
        ),
        setup=_open_year,
    ),
    # movements
    "thidua.movements.actions.do_create_movement": ActionEntry(
        "movement.manage",
        lambda w, a: _mov().do_create_movement(
            actor=a, province=w.an_giang,
            data={"title": "Phong trào “Dân vận khéo”", "kind": "THEMATIC", "level": "PROVINCE", "start_date": dt.date(2024, 1, 1)},
        ),
    ),
    "thidua.movements.actions.do_update_movement": ActionEntry(
        "movement.manage",
        lambda w, a, m: _mov().do_update_movement(
            actor=a, movement=m, data={"goals": "Hoàn thành chỉ tiêu năm"}, expected_version=m.version
        ),
        setup=_movement,
    ),
    "thidua.movements.actions.do_advance_movement": ActionEntry(
        "movement.manage",
        lambda w, a, m: _mov().do_advance_movement(actor=a, movement=m, action="launch", expected_version=m.version),
        setup=_movement,
    ),
    "thidua.movements.actions.do_start_registration": ActionEntry(
        "registration.edit",
        lambda w, a, y: _mov().do_start_registration(actor=a, bloc_year=y, unit=w.tuyen_giao),
        setup=_open_year,
    ),
    "thidua.movements.actions.do_update_registration": ActionEntry(
        "registration.edit",
        lambda w, a, r: _mov().do_update_registration(
            actor=a, registration=r, targets="Hoàn thành xuất sắc nhiệm vụ",
            items=[{"subject_kind": "collective", "award": "TTLDXS"}], expected_version=r.version,
        ),
        setup=_registration,
    ),
    "thidua.movements.actions.do_submit_registration": ActionEntry(
        "registration.edit",
        lambda w, a, r: _mov().do_submit_registration(actor=a, registration=r, expected_version=r.version),
        setup=lambda w: _mov().do_update_registration(
            actor=None, registration=(r := _registration(w)), targets="Hoàn thành xuất sắc nhiệm vụ",
            items=[{"subject_kind": "collective", "award": "TTLDXS"}], expected_version=r.version,
        ),
    ),
    "thidua.movements.actions.do_approve_registration": ActionEntry(
        "registration.review",
        lambda w, a, r: _mov().do_approve_registration(actor=a, registration=r, expected_version=r.version),
        setup=lambda w: _registration(w, "SUBMITTED"),
    ),
    "thidua.movements.actions.do_return_registration": ActionEntry(
        "registration.review",
        lambda w, a, r: _mov().do_return_registration(
            actor=a, registration=r, reason="Thiếu báo cáo thành tích", expected_version=r.version
        ),
        setup=lambda w: _registration(w, "SUBMITTED"),
    ),
    "thidua.movements.actions.do_reopen_registration": ActionEntry(
        "registration.review",
        lambda w, a, r: _mov().do_reopen_registration(
            actor=a, registration=r, reason="Đơn vị xin bổ sung cá nhân", expected_version=r.version
        ),
        setup=lambda w: _registration(w, "APPROVED"),
    ),
    # documents: the covenant's right is the block head's (bloc.lead)
    "thidua.documents.actions.do_generate_document": ActionEntry(
        "bloc.lead",
        lambda w, a, c: _docs().do_generate_document(actor=a, kind_code="COVENANT", source=c),
        setup=_draft_covenant,
    ),
    "thidua.documents.actions.do_register_document": ActionEntry(
        "bloc.lead",
        lambda w, a, d: _docs().do_register_document(
            actor=a, document=d, number="05", issued_on=dt.date(2024, 3, 15), expected_version=d.version
        ),
        setup=_document,
    ),
    "thidua.documents.actions.do_upload_signed_scan": ActionEntry(
        "bloc.lead",
        lambda w, a, d: _docs().do_upload_signed_scan(
            actor=a, document=d, upload=SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4 ban ky"), expected_version=d.version
        ),
        setup=lambda w: _document(w, registered=True),
    ),
}


# Later apps keep their entries beside their tests: tests/db/matrix_parts/<app>.py defines
# `register(matrix)`, which adds to matrix.SAMPLES and matrix.ACTIONS using this module's
# Sample, ActionEntry, extras() and owner sets. Loaded before the parametrised tests below.
def _load_matrix_parts() -> None:
    import sys
    from pathlib import Path

    here = sys.modules[__name__]
    parts = Path(__file__).with_name("matrix_parts")
    for file in sorted(parts.glob("*.py")):
        if file.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"_matrix_part_{file.stem}", file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.register(here)


_load_matrix_parts()


def discover_do_functions() -> dict[str, Callable]:
    """Every public do_* function defined in a thidua/<app>/actions.py module."""
    found: dict[str, Callable] = {}
    for info in pkgutil.iter_modules(thidua.__path__):
        if not info.ispkg:
            continue
        name = f"thidua.{info.name}.actions"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for attr, obj in vars(module).items():
            if attr.startswith("do_") and inspect.isfunction(obj) and obj.__module__ == name:
                found[f"{name}.{attr}"] = obj
    return found


def test_every_do_function_has_an_entry():
    found = set(discover_do_functions())
    missing = sorted(found - set(ACTIONS))
    assert not missing, f"add an ActionEntry for: {missing}"
    gone = sorted(set(ACTIONS) - found)
    assert not gone, f"entries for functions that no longer exist: {gone}"
    unexplained = [n for n, e in ACTIONS.items() if e.action is None and not e.note]
    assert not unexplained, f"entries without an action need a note: {unexplained}"
    unknown = [f"{n}: {e.action}" for n, e in ACTIONS.items() if e.action is not None and e.action not in PERMISSIONS]
    assert not unknown, f"entries naming actions missing from PERMISSIONS: {unknown}"


@pytest.mark.parametrize("qualified", sorted(ACTIONS))
def test_do_function_checks_its_action_and_writes_one_audit_row(world, qualified, monkeypatch):
    entry = ACTIONS[qualified]
    module_name = qualified.rsplit(".", 1)[0]
    module = importlib.import_module(module_name)
    prepared = entry.setup(world) if entry.setup else None
    actor = getattr(world, entry.as_persona) if entry.as_persona else None

    checked: list[str] = []
    real_ensure = module.ensure

    def spy(user, action, **kwargs):
        checked.append(action)
        return real_ensure(user, action, **kwargs)

    monkeypatch.setattr(module, "ensure", spy)
    before = set(AuditLog.objects.values_list("pk", flat=True))
    if entry.setup:
        entry.call(world, actor, prepared)
    else:
        entry.call(world, actor)
    new_rows = list(AuditLog.objects.exclude(pk__in=before))
    assert len(new_rows) == 1, f"{qualified} wrote {len(new_rows)} audit rows: {[r.action for r in new_rows]}"
    if entry.action is not None:
        assert entry.action in checked, f"{qualified} did not check {entry.action!r} (checked {checked})"
    else:
        assert checked == [], f"{qualified} checks {checked}: name the action in its entry"
