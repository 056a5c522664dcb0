"""A Streamlit server for the browser tests: the app on a free localhost port, in its own process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` in its own process group, on a free localhost port."""

    def __init__(
        self,
        data_dir: Path | None = None,
        import_dir: Path | None = None,
        extra_env: dict[str, str] | None = None,
        extra_args: list[str] | None = None,
        port: int | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("SELECTION_DATA", None)
        env.pop("SELECTION_DB_URL", None)  # each server's assessment database lies beside its own import folder
        if data_dir is not None:
            env["SELECTION_DATA"] = str(data_dir)
        env["SELECTION_IMPORT_DIR"] = str(import_dir or tempfile.mkdtemp(prefix="selection-import-"))
        env.update(extra_env or {})
        logs = REPO / "test-results"
        logs.mkdir(exist_ok=True)
        self.log = open(logs / f"streamlit-{self.port}.log", "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO / "serve.py"),  # app.py, served with lang="da"
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *(extra_args or []),
            ],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Streamlit stopped with exit code {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("Streamlit did not become healthy within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        # The log is kept for a server that raised (to read after a failing test); a clean one is removed, so
        # test-results/ does not grow by a file per server and run (pytest-playwright no longer empties it).
        log = Path(self.log.name)
        try:
            if "Traceback" not in log.read_text(encoding="utf-8", errors="replace"):
                log.unlink()
        except OSError:
            pass
