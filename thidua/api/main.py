"""The /api/v1 NinjaAPI. Routers live beside it; every endpoint starts from the access helper."""

from __future__ import annotations

from ninja import NinjaAPI

from thidua.api.auth import API_AUTH
from thidua.api.docs import VietnameseDocs
from thidua.api.errors import Utf8JSONRenderer
from thidua.api.parser import StrictParser
from thidua.core.access import public

api = NinjaAPI(
    title="thidua API",
    version="1",
    description=(
        "API của hệ thống quản lý thi đua, khen thưởng. Thông báo lỗi bằng tiếng Việt, dạng "
        "{\"error\": {\"code\", \"message\", \"field\"}}. Mã trạng thái: 401 chưa xác thực; 403 không có quyền; "
        "404 không tìm thấy hoặc ngoài phạm vi; 409 xung đột (conflict: đã có người sửa trước; state_conflict: bị trùng "
        "hoặc trạng thái không cho phép, ví dụ bỏ phiếu lần hai, bỏ phiếu sau khi đóng); 422 dữ liệu không hợp lệ "
        "(invalid_field: sai định dạng; invalid: giá trị của trường `field` bị từ chối); 400 yêu cầu bị từ chối "
        "không gắn với một trường; 429 quá nhiều yêu cầu. Chi tiết: docs/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=VietnameseDocs(),
    docs_decorator=public,
    auth=API_AUTH,
    renderer=Utf8JSONRenderer(),
    parser=StrictParser(),  # refuses control characters (NUL…) in bodies and queries: 422, not 500
)

# What-if evaluations (eligibility, voting); their auth list is whatif.EVALUATE_AUTH.
from thidua.api import whatif  # noqa: E402

api.add_router("/", whatif.router)

# Registry resources, API-token auth for the what-if endpoints too, and the JSON error bodies of
# thidua/api/errors.py (installed last: they answer every error, the what-if ones included).
from thidua.api import errors as api_errors  # noqa: E402
from thidua.api import registry  # noqa: E402
from thidua.api.auth import TokenAuth  # noqa: E402

api.add_router("/", registry.router)
from thidua.api import blocs  # noqa: E402

api.add_router("/", blocs.router)
from thidua.api import accounts, awards, conference, counting, documents, exemplars, history, initiatives, proposals, scoring, voting  # noqa: E402
from thidua.api import exports, jobs, notifications, proposal_imports, reports  # noqa: E402

for _router in (accounts.router, scoring.router, voting.router, counting.router, awards.router, history.router, proposals.router,
                proposal_imports.router, documents.router, initiatives.router, exemplars.router, exports.router, notifications.router,
                conference.router, reports.router, jobs.router):
    api.add_router("/", _router)
if not any(isinstance(a, TokenAuth) for a in whatif.EVALUATE_AUTH):
    whatif.EVALUATE_AUTH.insert(0, API_AUTH[0])
api_errors.install(api)


def api_operations():
    """Yield (method, path, view_func, action) for every registered operation, for the route ×
    access matrix test. `action` is the function's `thidua_action` (None when unmarked)."""
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = "/api/v1/" + "/".join(p.strip("/") for p in (bound.prefix, path) if p.strip("/"))
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, full, operation.view_func, getattr(operation.view_func, "thidua_action", None)
