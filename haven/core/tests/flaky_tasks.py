"""Tasks for haven/core/tests/test_tasks.py: module level, as every task must be."""

from haven.core.tasks import retried

RUNS: list[str] = []


@retried
def flaky(name: str, failures: int) -> str:
    """Fails its first `failures` runs for this name, then succeeds."""
    RUNS.append(name)
    if RUNS.count(name) <= failures:
        raise RuntimeError(f"{name} broke (run {RUNS.count(name)})")
    return name
