"""`make test-load`: Haven under a mixed member workload, then with PostgreSQL
restarted mid-run, then with Redis stopped mid-run.

Started here and stopped by PID whatever happens: a PostgreSQL instance of the test's
own (initdb into a temporary directory, never the machine's clusters), a redis-server,
Granian (2 workers) on a free port, and Locust, headless, in a separate process, with
one simulated member per user (loadtest/locustfile.py) using the JSON API. Phases:

1. steady, 60 s;
2. PostgreSQL restarted (`pg_ctl restart -m fast`) about 12 s into 35 s: requests
   meanwhile get a fast 503 in Haven's error shape (never a 500, never a hang) and the
   app recovers without a restart; the recovery time is measured;
3. Redis stopped about 10 s into 25 s: the site keeps answering.

After each phase: no 5xx (but phase 2's 503s), every acknowledged write is stored as
sent and nothing is half-written (loadtest/checker.py), and `verify_audit` passes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import requests

from haven.core.tests.loadtest import checker
from haven.core.tests.loadtest.postgres import OwnPostgres, bin_dir
from haven.core.tests.scaleout import ROOT, Processes, free_port, manage, port_open, wait_until

pytestmark = pytest.mark.load
DRIVEN, BYSTANDERS = 40, 20  # members driven by Locust (one user each); members they block
LOCUSTFILE = Path(__file__).with_name("loadtest") / "locustfile.py"
STEADY, RESTART, REDIS = "steady", "postgres-restart", "redis-stop"
FAST = 5.0  # seconds: the slowest a 503 may be
HANG = 10.0  # seconds: the slowest any request may be, under load and through the faults
RECOVERED = 5.0  # seconds after the restart completed: no 503 from then on


def _needed() -> None:
    locust = Path(sys.executable).with_name("locust")
    missing = [what for what, there in (
        ("PostgreSQL server binaries (initdb, pg_ctl)", bin_dir() is not None),
        ("redis-server", shutil.which("redis-server") is not None),
        ("locust (pip install -e '.[dev]')", locust.exists()),
    ) if not there]  # fmt: skip
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"missing in CI: {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)}")


@pytest.fixture
def stack(tmp_path):
    _needed()
    postgres = OwnPostgres(bin_dir(), free_port())
    procs = Processes(tmp_path)
    try:
        postgres.start()
        yield _start(procs, postgres, tmp_path)
    finally:
        procs.stop_all()
        postgres.stop()


def _start(procs: Processes, postgres: OwnPostgres, tmp: Path) -> dict:
    began = time.monotonic()
    with psycopg.connect(postgres.url("postgres"), autocommit=True) as maintenance:
        maintenance.execute("CREATE DATABASE haven_load")
    db_url = postgres.url("haven_load")
    redis_port, app = free_port(), free_port()
    redis = [shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1"]
    procs.start("redis", [*redis, "--save", "", "--appendonly", "no", "--dir", str(tmp)])
    many = "1000000"  # the workload is many members' worth: no rate limit or hiding in the way
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": db_url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DEBUG": "false", "SECRET_KEY": "load-test-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0",
        "HAVEN_VAR_DIR": str(tmp / "var"), "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"), "DJANGO_SETTINGS_MODULE": "haven.settings",
        "HAVEN_FLAGS_PER_HOUR": many, "HAVEN_REPORTS_PER_HOUR": many,
        "HAVEN_MESSAGES_PER_MINUTE": many, "HAVEN_FRIEND_MESSAGES_PER_MINUTE": many,
        "HAVEN_FLAG_HIDE_THRESHOLD": many, "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")  # the signed-out page, with DEBUG off
    population = tmp / "population.json"
    made = subprocess.run(
        [sys.executable, "-m", "haven.core.tests.loadtest.population", str(population),
         str(DRIVEN), str(BYSTANDERS)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    print(
        f"\n  set up in {time.monotonic() - began:.0f} s: migrate, collectstatic, "
        f"{DRIVEN} members driven + {BYSTANDERS} bystanders with chats, posts, tokens"
    )
    granian = str(Path(sys.executable).with_name("granian"))
    procs.start("app", [granian, "--interface", "wsgi", "--workers", "2", "--blocking-threads",
                        "4", "--host", "127.0.0.1", "--port", str(app), "--no-access-log",
                        "haven.wsgi:application"], env)  # fmt: skip
    for port in (app, redis_port):
        wait_until(lambda port=port: port_open(port), f"port {port} answering")
    base = f"http://127.0.0.1:{app}"
    wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, "Granian answering")
    _warm_up(base, population)
    records = tmp / "records"
    records.mkdir()
    return {"base": base, "procs": procs, "postgres": postgres, "db": db_url, "env": env,
            "population": population, "records": records, "began": began}  # fmt: skip


def _warm_up(base: str, population: Path) -> None:
    """A few calls of each kind first, each on a new connection (so on either worker),
    so both workers have loaded what a first request loads, and connected, before
    anything is measured."""
    for member in json.loads(population.read_text())["members"][:6]:
        auth = {"Authorization": f"Bearer {member['token']}"}
        for path in ("/feed", "/posts?space=answers", f"/chats/{member['chat']}/messages"):
            assert requests.get(f"{base}/api/v1{path}", headers=auth, timeout=30).ok
        assert requests.get(f"{base}/", timeout=30).ok


def _run_phase(stack: dict, phase: str, seconds: int, fault=None, at: float = 0) -> dict:
    """Locust for `seconds`; `fault()` called `at` seconds after it starts sending.
    Returns the requests made and when the fault began and ended (epoch seconds)."""
    locust = str(Path(sys.executable).with_name("locust"))
    command = [locust, "-f", str(LOCUSTFILE), "--headless", "-u", str(DRIVEN), "-r",
               str(DRIVEN), "-t", f"{seconds}s", "--host", stack["base"], "--only-summary",
               "--stop-timeout", "5", "--exit-code-on-error", "0",
               "--loglevel", "WARNING"]  # fmt: skip
    env = {**stack["env"], "LOAD_POPULATION": str(stack["population"]),
           "LOAD_RECORDS": str(stack["records"]), "LOAD_PHASE": phase}  # fmt: skip
    name = f"locust-{phase}"
    process = stack["procs"].start(name, command, env)
    fault_window = None
    if fault is not None:
        writes = stack["records"] / f"writes-{phase}.jsonl"
        wait_until(lambda: writes.exists() and writes.stat().st_size > 0, "the load starting")
        time.sleep(at)
        began = time.time()
        fault()
        fault_window = (began, time.time())
    try:
        process.wait(timeout=seconds + 60)
    finally:
        stack["procs"].stop(name)
    log = stack["procs"].log(name)
    assert process.returncode == 0, f"locust failed:\n{log[-3000:]}"
    made = json.loads((stack["records"] / f"requests-{phase}.json").read_text())
    return {"requests": made, "fault": fault_window, "log": log}


def _check_writes(stack: dict, phases: list[str]) -> dict:
    figures, problems = checker.check(stack["db"], stack["records"], phases)
    assert problems == [], "\n".join(problems[:20])
    audit = subprocess.run([sys.executable, "manage.py", "verify_audit"], cwd=ROOT,
                           env=stack["env"], capture_output=True, text=True)  # fmt: skip
    assert audit.returncode == 0, audit.stderr[-2000:]
    figures["audit"] = audit.stdout.strip()
    return figures


def _say(phase: str, seconds: int, result: dict, figures: dict, extra: str = "") -> None:
    statuses = Counter(r[2] for r in result["requests"])
    print(f"  {phase} ({seconds} s): {len(result['requests'])} requests, by status "
          f"{dict(sorted(statuses.items()))}", flush=True)  # fmt: skip
    if extra:
        print(f"    {extra}", flush=True)
    print(f"    writes verified (all phases so far): {figures['message']} messages, "
          f"{figures['flag']} flags, {figures['report']} reports, "
          f"{figures['block pairs']} block pairs exact + {figures['block pairs open']} "
          f"with an unanswered last op ({figures['block ops acked']} block/unblock acked)",
          flush=True)  # fmt: skip
    print(f"    {figures['audit']}", flush=True)


def _no_hang(result: dict, phase: str) -> str:
    """The slowest request, which must not take HANG seconds: '1.23 s (feed, 4.5 s in)'."""
    start = min(r[0] for r in result["requests"])
    slowest = max(result["requests"], key=lambda r: r[1])
    assert slowest[1] < HANG, f"{phase}: a request took {slowest[1]:.1f} s: {slowest}"
    return f"{slowest[1]:.2f} s ({slowest[3]}, {slowest[0] - start:.1f} s in)"


def _no_server_errors(stack: dict, result: dict, phase: str) -> None:
    bad = [r for r in result["requests"] if r[2] >= 500 or r[2] == 0]
    assert bad == [], (
        f"{phase}: {len(bad)} server errors or no answer, e.g. {bad[:5]}\n"
        + _server_errors_logged(stack)
    )


def _server_errors_logged(stack: dict) -> str:
    """The app's tracebacks for its 500s, so a failure in CI says what broke."""
    log = stack["procs"].log("app")
    at = log.find("Internal Server Error")
    return log[at : at + 6000] if at >= 0 else "(the app logged no traceback)"


def _no_refusals(result: dict, phase: str) -> None:
    """The workload only asks for what members may do: any 4xx is a finding."""
    refused = [r for r in result["requests"] if 400 <= r[2] < 500]
    assert refused == [], f"{phase}: {len(refused)} refused, e.g. {refused[:5]}"


def test_haven_under_load_through_a_postgres_restart_and_a_redis_outage(stack):
    started = time.monotonic()
    print()
    phases: list[str] = []

    # 1. Steady.
    steady = _run_phase(stack, STEADY, 60)
    phases.append(STEADY)
    _no_server_errors(stack, steady, STEADY)
    _no_refusals(steady, STEADY)
    slowest = _no_hang(steady, STEADY)
    _say(STEADY, 60, steady, _check_writes(stack, phases), f"slowest request {slowest}")

    # 2. PostgreSQL restarted mid-run.
    restart = _run_phase(stack, RESTART, 35, stack["postgres"].restart, at=12)
    phases.append(RESTART)
    began, done = restart["fault"]
    made = restart["requests"]
    unavailable = [r for r in made if r[2] == 503]
    other = [r for r in made if r[2] >= 500 and r[2] != 503 or r[2] == 0]
    assert other == [], (
        f"{len(other)} 5xx other than 503, or no answer, e.g. {other[:5]}\n"
        + _server_errors_logged(stack)
    )
    api_503 = [r for r in unavailable if r[3] != "page"]
    assert all(r[4] == "unavailable" for r in api_503), [r for r in api_503 if r[4] is None][:5]
    slowest = max((r[1] for r in unavailable), default=0.0)
    assert slowest < FAST, f"a 503 took {slowest:.1f} s"
    late = [r for r in unavailable if r[0] > done + RECOVERED]
    assert late == [], f"still 503 {RECOVERED:.0f} s after the restart: {late[:5]}"
    _no_refusals(restart, RESTART)
    after = [r[0] + r[1] for r in made if r[0] >= done and 200 <= r[2] < 300]
    assert after, "no successful request after the restart"
    recovery = min(after) - done
    last_503 = max((r[0] + r[1] for r in unavailable), default=done) - done
    log = stack["procs"].log("app")
    assert "Internal Server Error" not in log, log[-3000:]
    extra = (
        f"pg_ctl restart -m fast took {done - began:.2f} s; {len(unavailable)} answered 503 "
        f"({len(api_503)} API, every one in the error shape with code 'unavailable'; "
        f"slowest {slowest * 1000:.0f} ms; the last {last_503 * 1000:+.0f} ms from the "
        f"restart's end); recovery: first success {recovery * 1000:.0f} ms after the restart "
        f"completed; slowest request {_no_hang(restart, RESTART)}"
    )
    _say(RESTART, 35, restart, _check_writes(stack, phases), extra)

    # 3. Redis stopped mid-run.
    redis = _run_phase(stack, REDIS, 25, lambda: stack["procs"].stop("redis"), at=10)
    phases.append(REDIS)
    _no_server_errors(stack, redis, REDIS)
    _no_refusals(redis, REDIS)
    stopped = redis["fault"][1]
    served = sum(1 for r in redis["requests"] if r[0] > stopped and 200 <= r[2] < 300)
    assert served > 0, "nothing served after Redis stopped"
    assert "Redis unreachable" in stack["procs"].log("app")
    extra = (
        f"{served} requests served after Redis stopped (the app logged it unreachable); "
        f"slowest request {_no_hang(redis, REDIS)}"
    )
    _say(REDIS, 25, redis, _check_writes(stack, phases), extra)

    print(
        f"  phases and checks {time.monotonic() - started:.0f} s; with setup "
        f"{time.monotonic() - stack['began']:.0f} s",
        flush=True,
    )
