"""The safety benchmark runs (at toy scale) and writes its report; no timing asserted."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_bench_safety_runs_and_reports_both_operations(tmp_path, capsys):
    out = tmp_path / "bench.json"
    call_command(
        "bench_safety", members=60, friends=10, shares=100, blocks=40, runs=5, output=str(out)
    )
    result = json.loads(out.read_text())
    assert set(result["before"]) == set(result["after"]) == {"feed", "send_message"}
    assert "p95 ratio" in capsys.readouterr().out
