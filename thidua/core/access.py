"""The one access helper. Every view and API endpoint starts here.

A user's scope is the set of grants active today. Each grant is a role on a scope (the whole
province — including the provinces merged into it — one unit, one block or one council). `scoped()` turns a scope
into a queryset filter; an object outside it answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable, Iterable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from thidua.accounts.models import Grant, Role, ScopeKind
from thidua.core.errors import NotPermitted

ALL_ROLES = frozenset(Role.values)
PROVINCE_MANAGERS = frozenset({Role.ADMIN, Role.PROVINCE_OFFICER})

# The role × action matrix. An action absent from this table is refused to everyone.
PERMISSIONS: dict[str, frozenset[str]] = {
    "registry.view": ALL_ROLES,
    "registry.export": ALL_ROLES,
    "province.edit": frozenset({Role.ADMIN}),
    "unit.edit": PROVINCE_MANAGERS,
    "lineage.edit": PROVINCE_MANAGERS,
    "department.edit": PROVINCE_MANAGERS | {Role.UNIT_OFFICER},
    "person.edit": PROVINCE_MANAGERS | {Role.UNIT_OFFICER},
    "registry.import": PROVINCE_MANAGERS | {Role.UNIT_OFFICER},
    "accounts.view": PROVINCE_MANAGERS,
    "accounts.manage": PROVINCE_MANAGERS,
    "audit.view": PROVINCE_MANAGERS,
    "rules.evaluate": ALL_ROLES,
    "bloc.manage": PROVINCE_MANAGERS,
    "bloc.lead": PROVINCE_MANAGERS | {Role.BLOCK_HEAD},
    "movement.manage": PROVINCE_MANAGERS | {Role.BLOCK_HEAD},
    "registration.edit": PROVINCE_MANAGERS | {Role.UNIT_OFFICER, Role.UNIT_LEADER},
    "registration.review": PROVINCE_MANAGERS | {Role.BLOCK_HEAD},
    # Scoring (bảng tiêu chí, phiếu chấm điểm, xếp hạng). Which sheets a unit may cross-check is
    # decided by the assignment, inside the action.
    "scoring.criteria": PROVINCE_MANAGERS | {Role.BLOCK_HEAD},
    "scoring.self": PROVINCE_MANAGERS | {Role.UNIT_OFFICER, Role.UNIT_LEADER},
    "scoring.review": PROVINCE_MANAGERS | {Role.BLOCK_HEAD, Role.APPRAISAL_BOARD, Role.UNIT_OFFICER, Role.UNIT_LEADER},
    "scoring.publish": PROVINCE_MANAGERS | {Role.BLOCK_HEAD},
    # Councils and polls. Whether a user is in a poll's electorate is checked inside the action.
    "council.manage": PROVINCE_MANAGERS | {Role.COUNCIL_SECRETARY},
    "poll.manage": PROVINCE_MANAGERS | {Role.BLOCK_HEAD, Role.COUNCIL_SECRETARY},
    "poll.vote": ALL_ROLES - {Role.VIEWER},
    "poll.count": PROVINCE_MANAGERS | {Role.BLOCK_HEAD, Role.COUNCIL_SECRETARY, Role.COUNTING_BOARD},
    # Awards: catalogue, rule registry (provincial overrides), history, proposals and decisions.
    "rules.view": ALL_ROLES,
    "rules.override": PROVINCE_MANAGERS,
    "catalogue.edit": PROVINCE_MANAGERS,
    "history.edit": PROVINCE_MANAGERS | {Role.UNIT_OFFICER},
    # Công nhận sáng kiến: the unit's head at cơ sở level, the province above it.
    "initiative.recognise": PROVINCE_MANAGERS | {Role.UNIT_LEADER},
    "proposal.edit": PROVINCE_MANAGERS | {Role.UNIT_OFFICER, Role.UNIT_LEADER, Role.BLOCK_HEAD},
    # A unit leader reviews and decides only its own unit's dossiers within its authority (checked in the action).
    "proposal.review": PROVINCE_MANAGERS | {Role.APPRAISAL_BOARD, Role.UNIT_LEADER},
    "decision.issue": PROVINCE_MANAGERS | {Role.UNIT_LEADER},
    # The national export of a province's decisions and awards (issue #15): the province's officers.
    "export.national": PROVINCE_MANAGERS,
    # The province's tổng kết report (narrative sections, document): the provincial TĐKT officers.
    "report.province": PROVINCE_MANAGERS,
    # Things every signed-in user may do to themselves (own API tokens, own password).
    "self.manage": ALL_ROLES,
}

ACTION_LABELS = {
    "registry.view": "Xem danh mục tổ chức",
    "registry.export": "Xuất danh mục",
    "province.edit": "Sửa thông tin tỉnh",
    "unit.edit": "Thêm, sửa đơn vị",
    "lineage.edit": "Ghi nhận sắp xếp tổ chức",
    "department.edit": "Thêm, sửa phòng ban",
    "person.edit": "Thêm, sửa cá nhân",
    "registry.import": "Nhập danh mục từ Excel",
    "accounts.view": "Xem tài khoản",
    "accounts.manage": "Quản lý tài khoản, phân quyền",
    "audit.view": "Xem nhật ký",
    "rules.evaluate": "Tra cứu điều kiện (what-if)",
    "bloc.manage": "Lập khối, cụm thi đua và thành viên",
    "bloc.lead": "Điều hành khối (Trưởng khối)",
    "movement.manage": "Lập, phát động phong trào thi đua",
    "registration.edit": "Lập, gửi đăng ký thi đua của đơn vị",
    "registration.review": "Duyệt, trả lại đăng ký thi đua",
    "scoring.criteria": "Lập bảng tiêu chí chấm điểm",
    "scoring.self": "Tự chấm điểm của đơn vị",
    "scoring.review": "Chấm chéo, thẩm định điểm",
    "scoring.publish": "Công bố kết quả chấm điểm, xếp hạng",
    "council.manage": "Quản lý hội đồng thi đua, khen thưởng",
    "poll.manage": "Tổ chức bình xét, bỏ phiếu",
    "poll.vote": "Bỏ phiếu",
    "poll.count": "Kiểm phiếu, nhập kết quả kiểm phiếu",
    "rules.view": "Xem quy định, tiêu chuẩn khen thưởng",
    "rules.override": "Điều chỉnh tiêu chuẩn áp dụng riêng của tỉnh",
    "catalogue.edit": "Quản lý danh mục danh hiệu, hình thức khen thưởng",
    "history.edit": "Cập nhật hồ sơ thành tích",
    "initiative.recognise": "Công nhận sáng kiến",
    "proposal.edit": "Lập, gửi hồ sơ đề nghị khen thưởng",
    "proposal.review": "Tiếp nhận, thẩm định hồ sơ đề nghị",
    "decision.issue": "Ban hành, ghi nhận quyết định khen thưởng",
    "export.national": "Xuất dữ liệu khen thưởng gửi trung ương",
    "report.province": "Soạn báo cáo tổng kết thi đua, khen thưởng của tỉnh",
    "self.manage": "Quản lý tài khoản của mình",
}


@dataclass(frozen=True)
class GrantScope:
    role: str
    province_ids: frozenset[int]
    unit_id: int | None
    # Set for block-scoped roles (the Trưởng khối of one block in one year).
    bloc_id: int | None = None
    # The predecessors of a unit-scoped grant's unit (merged or split into it): their records are
    # the unit's own past, readable (READ_ACTIONS) but not editable through the successor's grant.
    predecessor_unit_ids: frozenset[int] = frozenset()
    # Set for council-scoped roles (the secretary, members or counting board of one council).
    council_id: int | None = None


@dataclass
class Scope:
    user_id: int | None
    is_admin: bool
    grants: list[GrantScope] = field(default_factory=list)

    def roles(self) -> set[str]:
        return {g.role for g in self.grants} | ({Role.ADMIN} if self.is_admin else set())

    def can(self, action: str) -> bool:
        if self.is_admin:
            return action in PERMISSIONS
        allowed = PERMISSIONS.get(action, frozenset())
        return any(g.role in allowed for g in self.grants)

    def grants_for(self, action: str) -> list[GrantScope]:
        allowed = PERMISSIONS.get(action, frozenset())
        return [g for g in self.grants if g.role in allowed]

    def province_ids_for(self, action: str) -> set[int] | None:
        """Provinces where `action` is granted on the whole province; None means every province."""
        if self.is_admin:
            return None
        ids: set[int] = set()
        for g in self.grants_for(action):
            if g.unit_id is None and g.bloc_id is None and g.council_id is None:
                ids |= g.province_ids
        return ids

    def unit_ids_for(self, action: str) -> set[int]:
        ids = {g.unit_id for g in self.grants_for(action) if g.unit_id is not None}
        if action in READ_ACTIONS:
            for g in self.grants_for(action):
                ids |= g.predecessor_unit_ids
        return ids

    def bloc_ids_for(self, action: str) -> set[int]:
        return {g.bloc_id for g in self.grants_for(action) if g.bloc_id is not None}

    def council_ids_for(self, action: str) -> set[int]:
        return {g.council_id for g in self.grants_for(action) if g.council_id is not None}


def scope_of(user, on: dt.date | None = None) -> Scope:
    """The user's scope on `on` (today by default), cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(user_id=None, is_admin=False)
    on = on or dt.date.today()
    cache_key = f"_thidua_scope_{on.isoformat()}"
    cached = getattr(user, cache_key, None)
    if cached is not None:
        return cached
    grants = (
        Grant.objects.filter(user=user, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("province")
    )
    lineage_cache: dict[int, frozenset[int]] = {}
    scoped: list[GrantScope] = []
    is_admin = bool(user.is_superuser)
    for g in grants:
        if g.role == Role.ADMIN and g.scope_kind == ScopeKind.PROVINCE:
            is_admin = True
        if g.province_id not in lineage_cache:
            lineage_cache[g.province_id] = frozenset(g.province.lineage_ids())
        if g.scope_kind == ScopeKind.COUNCIL:
            # A role on one council reaches that council, its members and its polls only.
            scoped.append(GrantScope(role=g.role, province_ids=frozenset({g.province_id}), unit_id=None, council_id=g.council_id))
            continue
        if g.scope_kind == ScopeKind.BLOCK:
            # A role on one block reaches that block's data only (and its members, through it).
            scoped.append(GrantScope(role=g.role, province_ids=frozenset({g.province_id}), unit_id=None, bloc_id=g.bloc_id))
            continue
        predecessor_ids = _predecessor_ids(g.unit_id) if g.unit_id is not None else frozenset()
        scoped.append(GrantScope(role=g.role, province_ids=lineage_cache[g.province_id], unit_id=g.unit_id, predecessor_unit_ids=predecessor_ids))
    scoped.extend(_block_head_grants(scoped, on))
    scope = Scope(user_id=user.pk, is_admin=is_admin, grants=scoped)
    setattr(user, cache_key, scope)
    return scope


# Reading actions through which a successor unit's grant reaches its predecessors' records.
READ_ACTIONS = frozenset({"registry.view", "registry.export", "rules.view", "rules.evaluate"})


def _predecessor_ids(unit_id: int) -> frozenset[int]:
    from thidua.org.models import Unit
    from thidua.org.selectors import predecessors

    unit = Unit.objects.filter(pk=unit_id).first()
    return frozenset(u.pk for u, _ in predecessors(unit)) if unit is not None else frozenset()


# The officers of the head unit hold the Trưởng khối role for that block during the head's term
# (1 January to 31 December unless the block sets another start day): it passes to the next head
# unit without anyone editing accounts.
HEAD_UNIT_ROLES = frozenset({Role.UNIT_LEADER, Role.UNIT_OFFICER})


def _block_head_grants(grants: list[GrantScope], on: dt.date) -> list[GrantScope]:
    unit_ids = {g.unit_id for g in grants if g.unit_id is not None and g.role in HEAD_UNIT_ROLES}
    if not unit_ids:
        return []
    from thidua.blocs.models import BlocYear

    derived = []
    years = BlocYear.objects.filter(head_unit_id__in=unit_ids, year__in=[on.year - 1, on.year, on.year + 1]).select_related("bloc")
    for bloc_year in years:
        start, end = bloc_year.head_term()
        if start <= on <= end:
            derived.append(
                GrantScope(role=Role.BLOCK_HEAD, province_ids=frozenset({bloc_year.province_id}), unit_id=None, bloc_id=bloc_year.bloc_id)
            )
    return derived


# How each model reaches its province, its unit and its block, for scoping. Apps register their models.
_SCOPE_PATHS: dict[type[models.Model], tuple[str | None, str | None, str | None, str | None]] = {}


def register_scope(
    model: type[models.Model], *, province: str | None, unit: str | None, bloc: str | None = None, council: str | None = None
) -> None:
    _SCOPE_PATHS[model] = (province, unit, bloc, council)


def scope_filter(user, model: type[models.Model], action: str) -> Q | None:
    """A Q object limiting `model` to what `user` may `action`; None means unlimited."""
    scope = scope_of(user)
    if scope.is_admin and action in PERMISSIONS:
        return None
    try:
        province_path, unit_path, bloc_path, council_path = _SCOPE_PATHS[model]
    except KeyError as exc:
        raise LookupError(f"{model.__name__} has no registered access scope") from exc
    q = Q(pk__in=[])
    province_ids = scope.province_ids_for(action) or set()
    if province_ids and province_path is not None:
        q |= Q(**{f"{province_path}__in": province_ids})
    unit_ids = scope.unit_ids_for(action)
    if unit_ids and unit_path is not None:
        q |= Q(**{f"{unit_path}__in": unit_ids})
    bloc_ids = scope.bloc_ids_for(action)
    if bloc_ids and bloc_path is not None:
        q |= Q(**{f"{bloc_path}__in": bloc_ids})
    council_ids = scope.council_ids_for(action)
    if council_ids and council_path is not None:
        q |= Q(**{f"{council_path}__in": council_ids})
    return q


def scoped(user, model_or_qs, action: str = "registry.view"):
    """The queryset of objects `user` may `action`."""
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    q = scope_filter(user, qs.model, action)
    if q is None:
        return qs
    needs_distinct = any(p and "__" in p for p in _SCOPE_PATHS[qs.model])
    qs = qs.filter(q)
    return qs.distinct() if needs_distinct else qs


def get_scoped_or_404(user, model_or_qs, action: str = "registry.view", **lookup):
    from django.core.exceptions import MultipleObjectsReturned, ValidationError

    try:
        return scoped(user, model_or_qs, action).get(**lookup)
    except (models.ObjectDoesNotExist, MultipleObjectsReturned, ValueError, ValidationError) as exc:
        raise Http404("Không tìm thấy") from exc


def ensure(user, action: str, *, province=None, unit=None, bloc=None, council=None) -> None:
    """Raise NotPermitted unless `user` may `action` on `province`, `unit`, `bloc` or `council`.

    `user=None` is the system itself (demo loader, migrations) and is always allowed.
    """
    if user is None:
        return
    scope = scope_of(user)
    if not scope.can(action):
        raise NotPermitted()
    if scope.is_admin:
        return
    province_ids = scope.province_ids_for(action) or set()
    unit_ids = scope.unit_ids_for(action)
    province_id = getattr(province, "pk", province)
    unit_id = getattr(unit, "pk", unit)
    if unit is not None and getattr(unit, "province_id", None) is not None:
        province_id = unit.province_id
    if province_id is not None and province_id in province_ids:
        return
    if unit_id is not None and unit_id in unit_ids:
        return
    bloc_id = getattr(bloc, "pk", bloc)
    if bloc_id is not None and bloc_id in scope.bloc_ids_for(action):
        return
    council_id = getattr(council, "pk", council)
    if council_id is not None and council_id in scope.council_ids_for(action):
        return
    if province_id is None and unit_id is None and bloc_id is None and council_id is None:
        return
    raise NotPermitted()


def provinces_for(user, action: str):
    """Current provinces in which `user` may `action` across the whole province."""
    from thidua.org.models import Province

    scope = scope_of(user)
    qs = Province.objects.filter(valid_to__isnull=True)
    ids = scope.province_ids_for(action)
    return qs if ids is None else qs.filter(pk__in=ids)


def units_for(user, action: str):
    """Active units on which `user` may `action` (whole-province grants included)."""
    from thidua.org.models import Unit

    return scoped(user, Unit.objects.filter(ended_on__isnull=True), action)


def access(action: str) -> Callable:
    """View decorator: sign-in required, then the role × action matrix.

    The action is recorded on the view so the matrix test can find every route's entry.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not scope_of(request.user).can(action):
                raise PermissionDenied("Bạn không có quyền truy cập chức năng này.")
            return view(request, *args, **kwargs)

        wrapper.thidua_action = action
        return wrapper

    return decorator


def signed_in(view):
    """View decorator for pages every signed-in account may open, with or without grants."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.thidua_action = "signed_in"
    return wrapper


def public(view):
    """Mark a view that needs no sign-in (login page, health check)."""
    view.thidua_action = None
    return view


def actions_needing(user, actions: Iterable[str]) -> dict[str, bool]:
    scope = scope_of(user)
    return {a: scope.can(a) for a in actions}
