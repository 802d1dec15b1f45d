"""The restart route: publishes a checkpoint by restarting the serving process on it.

    python -m swe_rl_trainer.serving.restart_supervisor --checkpoint DIR --name RUN@step-000000 \
        [--control-port 8100] [--serve-port 8000] [--template "vllm serve {checkpoint} ..."]

It starts the serving process (the CPU policy server by default, vLLM with --template) and exposes
a control endpoint with the CPU server's publish contract, so the trainer's publish_checkpoint
activity drives it unchanged: POST /admin/load_checkpoint {"path", "policy", "policy_version"}
stops the process (SIGTERM, SIGKILL after a grace), starts it on the new checkpoint with `policy`
as --served-model-name, waits for /health and /v1/models, and checks the served id is `policy`.
A start that fails restarts the previous checkpoint and answers 400 PublishFailed. GET /health and
GET /served say what runs. The loop is synchronous: a publish comes after the iteration's rollouts,
so no request is in flight when the process stops.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .serve_command import CPU_SERVER_TEMPLATE, ServeCommand
from .served_model import ServedModelMismatch, check_served, is_healthy

log = logging.getLogger("swe_rl_trainer.serving.restart_supervisor")


class PublishFailed(Exception):
    """The new checkpoint could not be served; the previous one serves again (when there was one)."""


@dataclass(frozen=True)
class Served:
    checkpoint: str
    name: str
    version: int
    pid: int


class RestartSupervisor:
    def __init__(self, command: ServeCommand, *, start_timeout_s: float = 600.0, stop_grace_s: float = 30.0,
                 log_dir: str | Path | None = None, env: dict[str, str] | None = None):
        self.command = command
        self.start_timeout_s = start_timeout_s
        self.stop_grace_s = stop_grace_s
        self.log_dir = Path(log_dir) if log_dir else None
        self.env = env
        self.served: Served | None = None
        self._process: subprocess.Popen | None = None
        self._output = None  # the serving process's log file, closed when it stops
        self._lock = threading.Lock()  # one publish at a time

    @property
    def url(self) -> str:
        return self.command.url

    def publish(self, checkpoint: str, name: str, version: int) -> tuple[Served, bool]:
        """(what serves now, whether it was restarted); the same checkpoint and name again is a no-op."""
        with self._lock:
            current = self.served
            if current and (current.checkpoint, current.name) == (checkpoint, name) and self._alive():
                self.served = Served(checkpoint, name, version, current.pid)
                return self.served, False
            self._stop()
            try:
                return self._start(checkpoint, name, version), True
            except PublishFailed as error:
                if current is None:
                    raise
                log.error("publish of %s failed, restarting %s: %s", name, current.name, error)
                try:
                    self._start(current.checkpoint, current.name, current.version)
                except PublishFailed as again:
                    raise PublishFailed(f"{error}; restarting the previous {current.name} failed too: {again}") from None
                raise PublishFailed(f"{error}; the previous policy {current.name} serves again") from None

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _start(self, checkpoint: str, name: str, version: int) -> Served:
        if not Path(checkpoint).is_dir():
            raise PublishFailed(f"checkpoint {checkpoint} is not a directory")
        argv = self.command.argv(checkpoint, name, version)
        output = self._output = self._log_file(name)
        log.info("starting %s", " ".join(argv))
        # Its own process group, so a stop reaches the workers a server may fork (vLLM does).
        self._process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        try:
            self._wait_ready(name, output)
        except PublishFailed:
            self._stop()
            raise
        self.served = Served(checkpoint, name, version, self._process.pid)
        return self.served

    def _log_file(self, name: str):
        if self.log_dir is None:
            return subprocess.DEVNULL
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.log_dir / f"serve-{name.replace('/', '_')}.log", "ab")

    def _wait_ready(self, name: str, output) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                where = f" (log: {output.name})" if hasattr(output, "name") else ""
                raise PublishFailed(f"the serving process for {name} exited with code {code} before it was ready{where}")
            if is_healthy(self.url, timeout_s=2.0):
                try:
                    check_served(self.url, name)
                    return
                except ServedModelMismatch as error:
                    raise PublishFailed(str(error)) from None
            time.sleep(0.2)
        raise PublishFailed(f"the serving process for {name} was not ready within {self.start_timeout_s:.0f}s")

    def _stop(self) -> None:
        process, self._process = self._process, None
        self.served = None
        try:
            self._stop_process(process)
        finally:
            if self._output not in (None, subprocess.DEVNULL):
                self._output.close()
            self._output = None

    def _stop_process(self, process: subprocess.Popen | None) -> None:
        if process is None or process.poll() is not None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=self.stop_grace_s)
        except subprocess.TimeoutExpired:
            log.warning("serving process %d ignored SIGTERM for %.0fs: SIGKILL", process.pid, self.stop_grace_s)
            _signal_group(process.pid, signal.SIGKILL)
            process.wait()


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:  # it exited meanwhile
        pass


class ControlHandler(BaseHTTPRequestHandler):
    supervisor: RestartSupervisor

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        log.debug(format, *args)

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        served = self.supervisor.served
        if self.path in ("/health", "/served"):
            self._send(200 if served else 503, {"status": "ok" if served else "down", "serve_url": self.supervisor.url,
                                                "served": asdict(served) if served else None})
        else:
            self._send(404, {"error": {"message": f"no route GET {self.path}", "code": 404}})

    def do_POST(self) -> None:  # noqa: N802
        if self.path != "/admin/load_checkpoint":
            self._send(404, {"error": {"message": f"no route POST {self.path}", "code": 404}})
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
            path, policy, version = _load_request(body)
        except (ValueError, json.JSONDecodeError) as error:
            self._send(400, {"error": {"message": str(error), "type": "BadRequestError", "code": 400}})
            return
        try:
            served, restarted = self.supervisor.publish(path, policy, version)
        except PublishFailed as error:
            self._send(400, {"error": {"message": str(error), "type": "PublishFailed", "code": 400}})
            return
        self._send(200, {"status": "ok", "policy": served.name, "path": served.checkpoint,
                         "policy_version": served.version, "loaded": restarted, "serve_url": self.supervisor.url})


def _load_request(body: Any) -> tuple[str, str, int]:
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    path, policy, version = body.get("path"), body.get("policy"), body.get("policy_version", 0)
    if not isinstance(path, str) or not path:
        raise ValueError("path: must be a non-empty string")
    if not isinstance(policy, str) or not policy:
        raise ValueError("policy: must be a non-empty string")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValueError(f"policy_version: must be an integer >= 0, got {version!r}")
    return path, policy, version


def control_server(supervisor: RestartSupervisor, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("BoundControlHandler", (ControlHandler,), {"supervisor": supervisor})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="the model directory served first")
    parser.add_argument("--name", required=True, help="its served name, e.g. <run>@step-000000")
    parser.add_argument("--version", type=int, default=0)
    parser.add_argument("--template", default=CPU_SERVER_TEMPLATE, help="serving command; {checkpoint} {name} {version} {host} {port} {python}")
    parser.add_argument("--serve-host", default="127.0.0.1")
    parser.add_argument("--serve-port", type=int, default=8000)
    parser.add_argument("--control-host", default="127.0.0.1")
    parser.add_argument("--control-port", type=int, default=8100)
    parser.add_argument("--start-timeout", type=float, default=600.0)
    parser.add_argument("--stop-grace", type=float, default=30.0)
    parser.add_argument("--log-dir", default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    supervisor = RestartSupervisor(ServeCommand(args.template, args.serve_host, args.serve_port),
                                   start_timeout_s=args.start_timeout, stop_grace_s=args.stop_grace, log_dir=args.log_dir)
    supervisor.publish(args.checkpoint, args.name, args.version)
    server = control_server(supervisor, args.control_host, args.control_port)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"restart supervisor on http://{args.control_host}:{server.server_address[1]}, serving {supervisor.url}", flush=True)
    stop.wait()
    server.shutdown()
    supervisor.stop()


if __name__ == "__main__":
    main()
