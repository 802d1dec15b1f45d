"""The restart route against the real CPU policy server, started the way vLLM is restarted."""
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from http_helpers import call, chat
from serving_helpers import completion_logprobs, free_port, perturbed_checkpoint
from swe_rl_trainer.policy_client import PublishRejected, publish_checkpoint
from swe_rl_trainer.serving.publish_routes import publish, resolve_route
from swe_rl_trainer.serving.restart_supervisor import PublishFailed, RestartSupervisor, control_server
from swe_rl_trainer.serving.serve_command import ServeCommand, VLLM_TEMPLATE
from swe_rl_trainer.serving.served_model import ServedModelMismatch, check_served

MESSAGES = [{"role": "user", "content": "list the files"}]
SAMPLE = {"max_tokens": 6, "temperature": 1.0, "seed": 7, "logprobs": True, "return_token_ids": True}


@pytest.fixture()
def supervisor(tmp_path):
    supervisor = RestartSupervisor(ServeCommand(port=free_port()), start_timeout_s=120, stop_grace_s=10, log_dir=tmp_path / "logs")
    yield supervisor
    supervisor.stop()


def sample(url, model):
    status, body, _ = chat(url, MESSAGES, model=model, **SAMPLE)
    assert status == 200, body
    choice = body["choices"][0]
    return body, choice["token_ids"], [entry["logprob"] for entry in choice["logprobs"]["content"]]


def test_vllm_template_names_the_checkpoint_and_the_served_name():
    argv = ServeCommand(VLLM_TEMPLATE, port=8000).argv("/runs/r 1/checkpoints/step-000004", "r1@step-000004", 4)
    assert argv[:3] == ["vllm", "serve", "/runs/r 1/checkpoints/step-000004"]
    assert argv[argv.index("--served-model-name") + 1] == "r1@step-000004"


def test_a_publish_restarts_the_server_on_the_new_weights(supervisor, tiny_model_dir, tmp_path):
    first, restarted = supervisor.publish(str(tiny_model_dir), "r1@step-000000", 0)
    assert restarted
    body, old_ids, old_logprobs = sample(supervisor.url, "r1@step-000000")
    assert body["model"] == "r1@step-000000"

    step1 = perturbed_checkpoint(tiny_model_dir, tmp_path / "checkpoints" / "step-000001", seed=1)
    control = control_server(supervisor, "127.0.0.1", 0)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    try:
        answer = publish("restart", f"http://127.0.0.1:{control.server_address[1]}", supervisor.url, str(step1), "r1@step-000001", 1)
    finally:
        control.shutdown()
    assert answer == {"policy": "r1@step-000001", "policy_version": 1, "route": "restart", "served": ["r1@step-000001"]}
    assert supervisor.served.pid != first.pid
    assert check_served(supervisor.url, "r1@step-000001") == ["r1@step-000001"]  # the old name is gone

    body, new_ids, new_logprobs = sample(supervisor.url, "r1@step-000001")
    assert body["model"] == "r1@step-000001"
    prompt_ids = body["prompt_token_ids"]
    assert new_logprobs == pytest.approx(completion_logprobs(step1, prompt_ids, new_ids), abs=1e-4)
    assert new_logprobs != pytest.approx(completion_logprobs(tiny_model_dir, prompt_ids, new_ids), abs=1e-3)
    status, missing, _ = chat(supervisor.url, MESSAGES, model="r1@step-000000", **SAMPLE)
    assert status == 404, missing


def test_a_broken_checkpoint_leaves_the_old_one_serving(supervisor, tiny_model_dir, tmp_path):
    supervisor.publish(str(tiny_model_dir), "r1@step-000000", 0)
    broken = tmp_path / "checkpoints" / "step-000002"
    broken.mkdir(parents=True)
    (broken / "config.json").write_text(json.dumps({"model_type": "no-such-architecture"}))
    with pytest.raises(PublishFailed, match="exited with code .*the previous policy r1@step-000000 serves again"):
        supervisor.publish(str(broken), "r1@step-000002", 2)
    assert supervisor.served.name == "r1@step-000000"
    assert check_served(supervisor.url, "r1@step-000000")
    with pytest.raises(ServedModelMismatch):
        check_served(supervisor.url, "r1@step-000002")
    body, _, _ = sample(supervisor.url, "r1@step-000000")
    assert body["model"] == "r1@step-000000"


def test_the_control_endpoint_answers_a_failed_publish_as_a_refusal(supervisor, tiny_model_dir, tmp_path):
    supervisor.publish(str(tiny_model_dir), "r1@step-000000", 0)
    control = control_server(supervisor, "127.0.0.1", 0)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{control.server_address[1]}"
    try:
        with pytest.raises(PublishRejected, match="PublishFailed"):
            publish_checkpoint(url, str(tmp_path / "missing"), "r1@step-000003", 3)
        status, body, _ = call(url + "/served")
        assert status == 200 and body["served"]["name"] == "r1@step-000000"
        again = publish_checkpoint(url, str(tiny_model_dir), "r1@step-000000", 0)
        assert again["loaded"] is False  # the same checkpoint and name: no restart
    finally:
        control.shutdown()


def test_the_route_comes_from_the_request_or_the_worker_environment(monkeypatch):
    monkeypatch.delenv("SWE_RL_PUBLISH_ROUTE", raising=False)
    monkeypatch.delenv("SWE_RL_PUBLISH_URL", raising=False)
    assert resolve_route(None, None, "http://serve") == ("load", "http://serve")
    with pytest.raises(PublishRejected, match="control URL"):
        resolve_route("restart", None, "http://serve")
    monkeypatch.setenv("SWE_RL_PUBLISH_ROUTE", "restart")
    monkeypatch.setenv("SWE_RL_PUBLISH_URL", "http://control")
    assert resolve_route(None, None, "http://serve") == ("restart", "http://control")
    with pytest.raises(PublishRejected, match="one of load, restart, reload"):
        resolve_route("swap", None, "http://serve")


def test_the_supervisor_runs_as_a_process_and_takes_its_server_down_with_it(tiny_model_dir, tmp_path):
    serve_port, control_port = free_port(), free_port()
    supervisor = subprocess.Popen(
        [sys.executable, "-u", "-m", "swe_rl_trainer.serving.restart_supervisor", "--checkpoint", str(tiny_model_dir),
         "--name", "r2@step-000000", "--serve-port", str(serve_port), "--control-port", str(control_port),
         "--log-dir", str(tmp_path / "logs"), "--start-timeout", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        line = supervisor.stdout.readline()
        while line and "restart supervisor on" not in line:
            line = supervisor.stdout.readline()
        assert "restart supervisor on" in line
        status, served, _ = call(f"http://127.0.0.1:{control_port}/served")
        assert status == 200 and served["served"]["name"] == "r2@step-000000"
        server_pid = served["served"]["pid"]
        assert check_served(f"http://127.0.0.1:{serve_port}", "r2@step-000000")
    finally:
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the serving process {server_pid} outlived its supervisor")


STUBBORN_SERVER = '''
import json, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
signal.signal(signal.SIGTERM, signal.SIG_IGN)
name, port = sys.argv[1], int(sys.argv[2])
class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_GET(self):
        body = json.dumps({"data": [{"id": name}]} if self.path == "/v1/models" else {"status": "ok"}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
'''


def test_a_server_that_ignores_sigterm_is_killed_after_the_grace(tmp_path):
    script = tmp_path / "stubborn.py"
    script.write_text(STUBBORN_SERVER)
    (tmp_path / "ckpt").mkdir()
    supervisor = RestartSupervisor(ServeCommand(f"{{python}} {script} {{name}} {{port}}", port=free_port()),
                                   start_timeout_s=30, stop_grace_s=1)
    try:
        first, _ = supervisor.publish(str(tmp_path / "ckpt"), "a", 0)
        second, restarted = supervisor.publish(str(tmp_path / "ckpt"), "b", 1)
        assert restarted and second.pid != first.pid
        assert check_served(supervisor.url, "b") == ["b"]
    finally:
        supervisor.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(first.pid, 0)
