"""The benchmark's report: a Markdown table for people, a JSON file for tools."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version

import django
from django.db import connection

from haven.bench.growth import OPERATIONS, ratios
from haven.bench.http import CLASSIFIER_OFF, ON_THE_WORKER, ON_WORKER, SEND

# Each hot path's share of its floor view's throughput (issue 11's targets).
TARGET_SHARES = {
    "send a chat message": 0.5,
    "home feed": 0.5,
    "timeline, friend": 0.5,
    "chat list": 0.5,
    "post comments (50)": 0.35,
    "flag a comment": 0.35,
    "report with 2 messages": 0.35,
    "block a member": 0.35,
    "moderator queue": 0.4,
    "moderator queue, after the reports": 0.4,
    "case page, top case": 0.3,
}
TARGET_GROWTH = 1.3  # p95 at the largest scale within 1.3× of the smallest
TARGET_SCALING = 1.6  # audited writes: 4 app processes ÷ 1
TARGET_CLASSIFIER = 0.95  # sending with the text classifier on ÷ off


def _wrk_version() -> str:
    try:
        out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return (
        (out.stdout or out.stderr).splitlines()[0].split(" [")[0]
        if (out.stdout or out.stderr)
        else "?"
    )


def _database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def machine() -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "granian": version("granian"),
        "wrk": _wrk_version(),
        "database": _database_version(),
    }


def _pct(value: float | None) -> str:
    return f"{value * 100:.0f} %" if value is not None else "–"


def targets(http: list[dict], growth: dict[int, dict], mix: dict | None = None) -> list[dict]:
    found = []
    by_name = {r["operation"]: r for r in http}
    for name, wanted in TARGET_SHARES.items():
        if name in by_name and by_name[name]["of_floor"] is not None:
            share = by_name[name]["of_floor"]
            floor = by_name[name]["floor"].upper()
            found.append(
                {
                    "target": f"{name} ≥ {_pct(wanted)} of the bare {floor} view",
                    "value": _pct(share),
                    "met": share >= wanted,
                }
            )
    if mix:
        found.append(
            {
                "target": f"audited writes, 4 app processes ≥ {TARGET_SCALING}× of 1",
                "value": f"{mix['growth']}×",
                "met": mix["growth"] >= TARGET_SCALING,
            }
        )
    for name in ON_THE_WORKER:  # the request path must not get slower for the worker
        inline, worker = by_name.get(name), by_name.get(f"{name}{ON_WORKER}")
        if inline and worker and inline["rps"]:
            found.append(
                {
                    "target": f"{name}: with the task worker ≥ tasks in-process (req/s)",
                    "value": f"{worker['rps'] / inline['rps']:.2f}×",
                    "met": worker["rps"] >= inline["rps"],
                }
            )
    # Production's send path: the classifier reads each message on the worker.
    on, off = by_name.get(f"{SEND}{ON_WORKER}"), by_name.get(f"{SEND}{ON_WORKER}{CLASSIFIER_OFF}")
    if on and off and off["rps"]:
        share = on["rps"] / off["rps"]
        found.append(
            {
                "target": f"{SEND}: classifier on ≥ {TARGET_CLASSIFIER}× off (req/s, tasks on "
                "the worker)",
                "value": f"{share:.2f}×",
                "met": share >= TARGET_CLASSIFIER,
            }
        )
    if len(growth) > 1:
        top = max(growth)
        for op, ratio in ratios(growth)[top].items():
            found.append(
                {
                    "target": f"{op} p95 at {top:,} members ≤ {TARGET_GROWTH}× of {min(growth):,}",
                    "value": f"{ratio}×",
                    "met": ratio <= TARGET_GROWTH,
                }
            )
    return found


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"Haven benchmark, {m['date']}: {m['database']}, {m['cpus']} CPUs, Python {m['python']}, "
        f"Django {m['django']}, Granian {m['granian']}, {m['wrk']}; load average at the start "
        f"{' / '.join(str(x) for x in m['load_average'])}.",
        "",
        f"Command: `{result['command']}`",
        "",
    ]
    http = result.get("http") or []
    if http:
        opts = result["options"]
        lines += [
            f"HTTP at {result['http_members']:,} members: Granian WSGI, 2 workers × 4 threads, "
            f"wrk 1 thread × {opts['connections']} connections, {opts['warmup']} s warm-up then "
            f"{opts['seconds']} s per operation.",
            "",
            "| operation | req/s | p50 ms | p95 ms | p99 ms | of its floor | statuses |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for r in http:
            statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
            floor = (
                "–"
                if r["operation"].startswith("floor:")
                else (f"{_pct(r['of_floor'])} of {r['floor'].upper()}")
            )
            lines.append(
                f"| {r['operation']} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p95_ms']} | "
                f"{r['p99_ms']} | {floor} | {statuses} |"
            )
        lines.append("")
    mix = result.get("audited_writes") or {}
    if mix:
        one, four = mix["one_worker"], mix["four_workers"]
        lines += [
            "Audited writes (flag + report + block) from 8 connections at once: "
            f"{one['rps']:,} req/s on 1 app process, {four['rps']:,} on 4 "
            f"({mix['growth']}×; target ≥ 1.6×).",
            "",
        ]
    classifier = result.get("classifier") or {}
    if classifier:
        lines += [
            f"classify() per message, in-process: {classifier['calls']:,} calls over the "
            f"{classifier['lines']} lines of the labelled set: p50 {classifier['p50_ms']} ms, "
            f"p95 {classifier['p95_ms']} ms, slowest {classifier['max_ms']} ms.",
            "",
        ]
        by_name = {r["operation"]: r for r in http}
        on, off = by_name.get(SEND), by_name.get(f"{SEND}{CLASSIFIER_OFF}")
        if on and off and off["rps"]:
            lines += [
                f"With the checks in-process after commit (the laptop default, no target), "
                f"sending with the classifier on runs at {on['rps'] / off['rps']:.2f}× its "
                "rate with it off.",
                "",
            ]
    found_queue = result.get("queue") or {}
    if found_queue:
        lines += [
            f"Queue at {found_queue['cases']:,} cases ({found_queue['open_cases']:,} open; "
            f"{found_queue['added']:,} synthetic added), in-process through Django's request "
            f"stack, {result['options']['runs']} runs:",
            "",
            "| page | p50 ms | p95 ms | p99 ms |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, t in found_queue["timings"].items():
            lines.append(f"| {name} | {t['p50_ms']} | {t['p95_ms']} | {t['p99_ms']} |")
        lines.append("")
    growth = result.get("growth") or {}
    if growth:
        rel = ratios(growth)
        lines += [
            f"Growth, in-process, {result['options']['runs']} runs per operation "
            "(p50 / p95 ms, and p95 over the smallest scale):",
            "",
            "| members | " + " | ".join(OPERATIONS) + " |",
            "| ---: | " + " | ".join("---" for _ in OPERATIONS) + " |",
        ]
        for scale in sorted(growth):
            cells = [
                f"{growth[scale][op]['p50_ms']} / {growth[scale][op]['p95_ms']} ({rel[scale][op]}×)"
                for op in OPERATIONS
            ]
            lines.append(f"| {scale:,} | " + " | ".join(cells) + " |")
        lines.append("")
    found = result.get("targets") or []
    if found:
        lines += ["| target | measured | met |", "| --- | --- | --- |"]
        lines += [
            f"| {t['target']} | {t['value']} | {'yes' if t['met'] else 'NO'} |" for t in found
        ]
    return "\n".join(lines) + "\n"
