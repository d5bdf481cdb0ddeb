"""Entry point: `python -m bench --size small|province [--smoke]` (see bench/__init__.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bench import database
from bench.data import SEED, SIZES, Dataset

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# (repeat, warmup) per mode.
REPEATS = {"smoke": (10, 2), "small": (50, 5), "province": (50, 5)}


@dataclass
class BenchContext:
    dataset: Dataset
    repeat: int
    warmup: int


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="thidua performance measurements")
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument(
        "--smoke", action="store_true", help="quick run on a temporary SQLite file; checks the harness, not the timings"
    )
    parser.add_argument("--repeat", type=int, help="timed repetitions per measurement")
    parser.add_argument("--warmup", type=int, help="untimed repetitions before timing")
    parser.add_argument("--only", action="append", default=[], help="run only the named measurement (repeatable)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--database-name", default=database.DEFAULT_NAME, help="PostgreSQL database to create and drop")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database afterwards")
    return parser.parse_args(argv)


def _git_revision() -> str:
    """The commit measured, with "+changes" when the working tree differs from it."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _database_version(vendor: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if vendor == "postgresql" else "SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


def run(args: argparse.Namespace, db: database.BenchDatabase) -> int:
    import django
    from django.core.management import call_command

    from bench import data, report
    from bench.measurements import MEASUREMENTS, Skipped

    size = SIZES[args.size]
    repeat, warmup = REPEATS["smoke" if args.smoke else size.name]
    repeat = args.repeat or repeat
    warmup = args.warmup if args.warmup is not None else warmup
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    print(f"bench: {db.describe()}, size {size.name}{' (smoke)' if args.smoke else ''}", flush=True)
    database.create(db)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"bench: migrated in {time.perf_counter() - started:.1f} s; building data …", flush=True)
    dataset = data.build(size)
    print(f"bench: data built in {dataset.build_seconds:.1f} s: {dataset.counts}", flush=True)

    ctx = BenchContext(dataset=dataset, repeat=repeat, warmup=warmup)
    measured = []
    failed = False
    for m in MEASUREMENTS:
        if args.only and m.name not in args.only:
            continue
        t0 = time.perf_counter()
        entry = {"name": m.name, "label": m.label, "status": "ok", "note": "", "results": []}
        try:
            entry["results"] = [r.as_dict() for r in m.func(ctx)]
        except Skipped as exc:
            entry.update(status="skipped", note=str(exc))
        except Exception:  # a failing measurement fails the run, after the others ran
            traceback.print_exc()
            entry.update(status="error", note=traceback.format_exc(limit=3))
            failed = True
        entry["seconds"] = round(time.perf_counter() - t0, 2)
        print(f"bench: {m.name}: {entry['status']} in {entry['seconds']} s {entry['note']}", flush=True)
        measured.append(entry)

    doc = {
        "schema": report.SCHEMA,
        "run": {
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
            "size": size.name,
            "smoke": args.smoke,
            "seed": SEED,
            "revision": _git_revision(),
            "repeat": repeat,
            "warmup": warmup,
            "database": {"vendor": db.vendor, "version": _database_version(db.vendor)},
            "machine": {
                "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
                "cpu_count": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "django": django.get_version(),
                # Other work on the machine inflates every timing; readers should see it.
                "loadavg_1m": {"start": load_at_start, "end": os.getloadavg()[0] if hasattr(os, "getloadavg") else None},
            },
            "seconds": round(time.perf_counter() - started, 1),
        },
        "data": {**dataset.counts, "build_seconds": round(dataset.build_seconds, 1)},
        "measurements": measured,
    }
    json_path, md_path = report.write(doc, args.out_dir, "smoke" if args.smoke else "latest")
    print(md_path.read_text(encoding="utf-8"))
    print(f"bench: wrote {json_path} and {md_path}")
    problems = report.validate(json_path, md_path)
    for problem in problems:
        print(f"bench: results problem: {problem}", file=sys.stderr)
    return 1 if failed or problems else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    db = database.choose(force_sqlite=args.smoke, name=args.database_name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    import django

    django.setup()
    try:
        return run(args, db)
    finally:
        if args.keep_db:
            print(f"bench: kept {db.describe()} (DATA_DIR {db.data_dir})")
        else:
            database.drop(db)


if __name__ == "__main__":
    sys.exit(main())
