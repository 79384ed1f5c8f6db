"""`make test-load`'s parts: a PostgreSQL instance of the test's own (postgres.py), the
members it drives (population.py), the Locust workload (locustfile.py) and the checker
that proves every acknowledged write is stored whole (checker.py)."""
