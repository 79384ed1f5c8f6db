"""Benchmarks: a synthetic community at scale, the hot paths over HTTP against the
framework's own floor, and how their cost grows with the amount of data.

`generate` loads the community, `floor` holds the bare views (mounted only with
HAVEN_BENCH=1), `http` drives Granian with wrk, `growth` measures in-process,
`report` writes the Markdown table and the JSON file. `make bench` runs it all.
"""
