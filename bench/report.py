"""Writing and checking the results files (JSON for machines, a short markdown table for people)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA = 1


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}".replace(",", " ")


def _load(load: dict[str, Any] | None) -> str:
    if not load or load.get("start") is None:
        return "không rõ"
    return f"{load['start']:.1f} / {load['end']:.1f}"


def markdown(doc: dict[str, Any]) -> str:
    run, data = doc["run"], doc["data"]
    lines = [
        f"# Bench thidua — cỡ `{run['size']}`{' (smoke)' if run['smoke'] else ''}",
        "",
        f"- Ngày chạy: {run['date']} (UTC), mã nguồn `{run.get('revision', 'unknown')}`",
        f"- CSDL: {run['database']['vendor']} {run['database']['version']}",
        f"- Máy: {run['machine']['nproc']} nhân (nproc), Python {run['machine']['python']}, Django {run['machine']['django']}; "
        f"tải trung bình 1 phút lúc bắt đầu/kết thúc: {_load(run['machine'].get('loadavg_1m'))}",
        f"- Dữ liệu: {data['units']} đơn vị, {data['departments']} phòng ban, {data['people']} cá nhân "
        f"(trong phạm vi cán bộ tỉnh: {data['units_in_scope']} đơn vị, {data['people_in_scope']} cá nhân, "
        f"{data['provinces_in_scope']} tỉnh gồm tỉnh trước sáp nhập); dựng trong {data['build_seconds']:.1f} s",
        f"- Mỗi phép đo: {run['warmup']} lần chạy nóng, {run['repeat']} lần đo; mốc so sánh đo trong cùng lần chạy",
        "",
        "| Phép đo | p50 ms | p95 ms | Mốc so sánh | p50 ms | p95 ms | × p50 |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    skipped = []
    for m in doc["measurements"]:
        if m["status"] == "skipped":
            skipped.append(f"- `{m['name']}` bỏ qua: {m['note']}")
            continue
        for r in m["results"]:
            b = r["baseline"]
            lines.append(
                f"| `{r['name']}` {r['label']} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} | {b['label']} "
                f"| {_fmt(b['p50_ms'])} | {_fmt(b['p95_ms'])} | {_fmt(r['ratio_p50'])} |"
            )
    if skipped:
        lines += ["", "Không đo:", *skipped]
    return "\n".join(lines) + "\n"


def write(doc: dict[str, Any], out_dir: Path, stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown(doc), encoding="utf-8")
    return json_path, md_path


def _check_timing(where: str, t: dict[str, Any], repeat: int) -> list[str]:
    problems = []
    if t.get("n") != repeat:
        problems.append(f"{where}: n={t.get('n')} but repeat={repeat}")
    for key in ("p50_ms", "p95_ms", "min_ms", "max_ms"):
        if not isinstance(t.get(key), (int, float)) or t[key] <= 0:
            problems.append(f"{where}: {key} missing or not positive")
    if not problems and not (t["min_ms"] <= t["p50_ms"] <= t["p95_ms"] <= t["max_ms"]):
        problems.append(f"{where}: percentiles out of order")
    return problems


def validate(json_path: Path, md_path: Path) -> list[str]:
    """Structural problems of a written results pair (timings are never judged)."""
    problems: list[str] = []
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    md = md_path.read_text(encoding="utf-8")
    if doc.get("schema") != SCHEMA:
        problems.append("schema version missing")
    run = doc.get("run", {})
    for key in ("date", "size", "database", "machine", "repeat", "warmup"):
        if key not in run:
            problems.append(f"run.{key} missing")
    if not run.get("machine", {}).get("nproc"):
        problems.append("run.machine.nproc missing")
    if not run.get("database", {}).get("vendor"):
        problems.append("run.database.vendor missing")
    data = doc.get("data", {})
    if not data.get("people") or not data.get("units"):
        problems.append("data sizes missing or zero")
    measurements = doc.get("measurements") or []
    if not any(m.get("status") == "ok" for m in measurements):
        problems.append("no measurement ran")
    for m in measurements:
        if m.get("status") not in {"ok", "skipped"}:
            problems.append(f"{m.get('name')}: status {m.get('status')!r}")
        if m.get("status") == "skipped" and not m.get("note"):
            problems.append(f"{m.get('name')}: skipped without a note")
        if m.get("status") == "ok":
            if not m.get("results"):
                problems.append(f"{m.get('name')}: no result rows")
            for r in m.get("results", []):
                problems += _check_timing(r.get("name", "?"), r, run.get("repeat"))
                problems += _check_timing(f"{r.get('name', '?')} baseline", r.get("baseline", {}), run.get("repeat"))
                if f"`{r.get('name')}`" not in md:
                    problems.append(f"{r.get('name')}: missing from the markdown table")
    if "| Phép đo |" not in md:
        problems.append("markdown table header missing")
    return problems
