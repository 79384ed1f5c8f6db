"""A PostgreSQL instance owned by one test run: `initdb` into a temporary directory,
started with `pg_ctl` on a free port (its socket in that directory too), restarted with
`pg_ctl restart -m fast` (what `pg_ctlcluster ... restart` does for a packaged
cluster), and stopped by the PID in its postmaster.pid whatever happened. The
machine's own clusters are never touched. As root, every command runs as `postgres`
(initdb refuses root)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/N/bin),
    or those on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class OwnPostgres:
    def __init__(self, binaries: Path, port: int) -> None:
        self.bin, self.port = binaries, port
        self.root = Path(tempfile.mkdtemp(prefix="haven-load-pg-"))
        self.data, self.log = self.root / "data", self.root / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb and the server run as postgres, in a directory it owns
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *command: str, timeout: float = 60) -> str:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        result = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, cwd=self.root
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
        return result.stdout

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--no-instructions")  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "start")  # fmt: skip

    def restart(self) -> None:
        """Fast shutdown (open connections are ended, as in a real restart), then start
        again with the same options; returns once it accepts connections."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-m", "fast", "-w", "restart")  # fmt: skip

    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Fast shutdown by PID (SIGINT to the postmaster), then the directory goes."""
        pid = self.pid()
        try:
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGINT)
                except ProcessLookupError:
                    pid = None
            deadline = time.monotonic() + 30
            while pid is not None and self._running(pid):
                if time.monotonic() > deadline:  # not stopped in 30 s: immediate shutdown
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGQUIT)
                    break
                time.sleep(0.1)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _running(self, pid: int) -> bool:
        # The postmaster removes its pid file as it exits (its parent may not reap it).
        if not (self.data / "postmaster.pid").exists():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""
