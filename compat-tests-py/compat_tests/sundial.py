"""Starts the runnable Sundial JAR as a process for the tests, and kills and restarts it."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

STARTUP_TIMEOUT_S = 60


def find_jar() -> str:
    """The JAR Maven passes in SUNDIAL_JAR, else the one built in ../sundial-cli/target."""
    jar = os.environ.get("SUNDIAL_JAR")
    if jar:
        if not os.path.isfile(jar):
            raise RuntimeError(f"SUNDIAL_JAR points to a missing file: {jar}")
        return jar
    here = os.path.dirname(os.path.abspath(__file__))
    jars = sorted(glob.glob(os.path.join(here, "..", "..", "sundial-cli", "target", "sundial-cli-*-all.jar")))
    if not jars:
        raise RuntimeError("no sundial-cli-*-all.jar; build it with: mvn -B install -DskipTests -pl sundial-cli -am")
    return jars[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sundial:
    """One server on a fixed gRPC port and one SQLite file, so that a restart finds both again."""

    def __init__(self, extra_args: list[str] | None = None):
        self.jar = find_jar()
        self.data_dir = tempfile.mkdtemp(prefix="sundial-py-")
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.extra_args = extra_args or []
        self.process: subprocess.Popen | None = None
        self.output: list[str] = []

    def start(self) -> "Sundial":
        args = [
            "java", "-jar", self.jar, "server", "start",
            "--port", str(self.port), "--ui-port", "0", "--http-port", "-1", "--metrics-port", "-1",
            "--headless", "--db-filename", os.path.join(self.data_dir, "py.db"), "--log-level", "warn",
            *self.extra_args,
        ]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()
        threading.Thread(target=self._drain, args=(self.process, ready), daemon=True).start()
        if not ready.wait(STARTUP_TIMEOUT_S):
            self.kill()
            raise RuntimeError("Sundial did not start:\n" + "".join(self.output[-200:]))
        if self.process.poll() is not None:
            raise RuntimeError("Sundial exited during startup:\n" + "".join(self.output[-200:]))
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self._port_answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"Sundial port {self.port} did not answer")
            time.sleep(0.05)
        return self

    def _drain(self, process: subprocess.Popen, ready: threading.Event) -> None:
        for line in process.stdout:
            self.output.append(line)
            if len(self.output) > 2000:
                del self.output[:1000]
            if "Press Ctrl-C" in line:
                ready.set()
        ready.set()  # exited: start() reports it

    def _port_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def kill(self) -> None:
        """kill -9: no shutdown hook runs, whatever was not committed is gone."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

