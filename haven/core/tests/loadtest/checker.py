"""After the load: every write the server acknowledged is in the database as sent, and
nothing is half-written. Reads the load process's writes-*.jsonl (in phase order) and
asks PostgreSQL directly; returns what it checked and every problem found.

- a message: its body, chat and sender;
- a flag: reporter, target, category and details, its frozen evidence, its signal on a
  case, its audit entry;
- a report: reporter, subject, category, details, the evidence messages sent, its
  signal, its audit entry;
- blocks: each (blocker, blocked) pair present or absent as the last acknowledged
  block or unblock left it (or as a later unacknowledged one may have, which the
  server may have done before its answer was lost);
- anywhere in the database: no report without evidence (every one sent some), no
  flag without evidence or signal, no case without a signal.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import psycopg


def load_writes(records: Path, phases: list[str]) -> list[dict]:
    writes = []
    for phase in phases:
        path = records / f"writes-{phase}.jsonl"
        if path.exists():
            writes += [json.loads(line) for line in path.read_text().splitlines() if line]
    return writes


def _rows(conn, query: str, *params) -> list[tuple]:
    return conn.execute(query, params).fetchall()


def _messages(conn, acked: list[dict], problems: list[str]) -> None:
    found = {row[0]: row[1:] for row in _rows(conn, """
        SELECT m.id, m.chat_id, s.username, m.body FROM chats_message m
        JOIN members_member s ON s.id = m.sender_id WHERE m.id = ANY(%s)""",
        [w["id"] for w in acked])}  # fmt: skip
    for w in acked:
        if found.get(w["id"]) != (w["chat"], w["sender"], w["body"]):
            problems.append(f"message {w['id']}: sent {w}, stored {found.get(w['id'])}")


def _flags(conn, acked: list[dict], problems: list[str]) -> None:
    found = {row[0]: row[1:] for row in _rows(conn, """
        SELECT f.id, r.username, f.target_type, f.target_id, c.slug, f.details,
               EXISTS (SELECT 1 FROM safety_evidence e WHERE e.flag_id = f.id),
               EXISTS (SELECT 1 FROM moderation_signal s WHERE s.flag_id = f.id),
               EXISTS (SELECT 1 FROM audit_auditentry a WHERE a.event = 'flag'
                       AND (a.new ->> 'flag_id')::bigint = f.id)
        FROM safety_flag f JOIN members_member r ON r.id = f.reporter_id
        JOIN safety_policycategory c ON c.id = f.category_id WHERE f.id = ANY(%s)""",
        [w["id"] for w in acked])}  # fmt: skip
    for w in acked:
        sent = (w["reporter"], w["target_type"], w["target_id"], w["category"], w["details"])
        if found.get(w["id"]) != (*sent, True, True, True):
            problems.append(f"flag {w['id']}: sent {sent}, stored (..., evidence, signal, "
                            f"audit) {found.get(w['id'])}")  # fmt: skip


def _reports(conn, acked: list[dict], problems: list[str]) -> None:
    found = {row[0]: row[1:] for row in _rows(conn, """
        SELECT r.id, rep.username, sub.username, c.slug, r.details,
               ARRAY(SELECT e.source_id FROM safety_evidence e WHERE e.report_id = r.id
                     AND e.kind = 'message' ORDER BY e.source_id),
               EXISTS (SELECT 1 FROM moderation_signal s WHERE s.report_id = r.id),
               EXISTS (SELECT 1 FROM audit_auditentry a WHERE a.event = 'report'
                       AND (a.new ->> 'report_id')::bigint = r.id)
        FROM safety_report r JOIN members_member rep ON rep.id = r.reporter_id
        JOIN members_member sub ON sub.id = r.subject_id
        JOIN safety_policycategory c ON c.id = r.category_id WHERE r.id = ANY(%s)""",
        [w["id"] for w in acked])}  # fmt: skip
    for w in acked:
        sent = (w["reporter"], w["subject"], w["category"], w["details"], w["evidence"])
        if found.get(w["id"]) != (*sent, True, True):
            problems.append(f"report {w['id']}: sent {sent}, stored (..., signal, audit) "
                            f"{found.get(w['id'])}")  # fmt: skip


def _blocks(conn, attempts: list[dict], problems: list[str]) -> tuple[int, int]:
    """(pairs whose state is certain, pairs left open by an unanswered last attempt)."""
    history: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for w in attempts:
        history[(w["blocker"], w["blocked"])].append(w)
    stored = set(_rows(conn, """
        SELECT a.username, b.username FROM safety_block k
        JOIN members_member a ON a.id = k.blocker_id
        JOIN members_member b ON b.id = k.blocked_id"""))  # fmt: skip
    certain = uncertain = 0
    for pair, ops in history.items():
        acked = [i for i, op in enumerate(ops) if op["acked"]]
        last = acked[-1] if acked else -1
        allowed = {ops[last]["op"] == "block"} if acked else {False}
        allowed |= {op["op"] == "block" for op in ops[last + 1 :]}
        certain, uncertain = (certain + 1, uncertain) if len(allowed) == 1 else (
            certain, uncertain + 1)  # fmt: skip
        if (pair in stored) not in allowed:
            problems.append(f"block {pair}: stored {pair in stored}, last ops {ops[-3:]}")
    return certain, uncertain


def _half_written(conn, problems: list[str]) -> None:
    checks = {
        "reports without evidence": """SELECT count(*) FROM safety_report r WHERE NOT EXISTS
            (SELECT 1 FROM safety_evidence e WHERE e.report_id = r.id)""",
        "reports without a signal": """SELECT count(*) FROM safety_report r WHERE NOT EXISTS
            (SELECT 1 FROM moderation_signal s WHERE s.report_id = r.id)""",
        "flags without evidence": """SELECT count(*) FROM safety_flag f WHERE NOT EXISTS
            (SELECT 1 FROM safety_evidence e WHERE e.flag_id = f.id)""",
        "flags without a signal": """SELECT count(*) FROM safety_flag f WHERE NOT EXISTS
            (SELECT 1 FROM moderation_signal s WHERE s.flag_id = f.id)""",
        "cases without signals": """SELECT count(*) FROM moderation_case c WHERE NOT EXISTS
            (SELECT 1 FROM moderation_signal s WHERE s.case_id = c.id)""",
    }
    for what, query in checks.items():
        count = _rows(conn, query)[0][0]
        if count:
            problems.append(f"{count} {what}")


def check(db_url: str, records: Path, phases: list[str]) -> tuple[dict, list[str]]:
    """({kind: acknowledged writes verified, ...}, problems) over every phase so far."""
    writes = load_writes(records, phases)
    acked = defaultdict(list)
    for w in writes:
        if w["acked"] and w["kind"] != "block":
            acked[w["kind"]].append(w)
            if not isinstance(w.get("id"), int):
                raise AssertionError(f"acknowledged without an id: {w}")
    problems: list[str] = []
    with psycopg.connect(db_url, connect_timeout=5) as conn:
        _messages(conn, acked["message"], problems)
        _flags(conn, acked["flag"], problems)
        _reports(conn, acked["report"], problems)
        certain, uncertain = _blocks(conn, [w for w in writes if w["kind"] == "block"], problems)
        _half_written(conn, problems)
    figures = {kind: len(acked[kind]) for kind in ("message", "flag", "report")}
    figures["block pairs"] = certain
    figures["block pairs open"] = uncertain
    figures["block ops acked"] = sum(1 for w in writes if w["kind"] == "block" and w["acked"])
    return figures, problems
