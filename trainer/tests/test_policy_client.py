import json
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from swe_rl_trainer.policy_client import PublishRejected, publish_checkpoint
from swe_rl_trainer.policy_server import PolicyServer


def test_publish_loads_the_checkpoint_under_its_name(tiny_model_dir):
    server = PolicyServer(tiny_model_dir, port=0).start()
    try:
        answer = publish_checkpoint(server.url, str(tiny_model_dir), "run-a@step-000000", 0)
        assert answer == {"status": "ok", "policy": "run-a@step-000000", "path": str(tiny_model_dir), "policy_version": 0, "loaded": True}
        assert publish_checkpoint(server.url + "/", str(tiny_model_dir), "run-a@step-000000", 0)["loaded"] is False
        with pytest.raises(PublishRejected, match="run-a@step-000000"):
            publish_checkpoint(server.url, "/nowhere", "run-a@step-000000", 0)  # 409: another path
        with pytest.raises(PublishRejected, match="HTTP 400"):
            publish_checkpoint(server.url, str(tiny_model_dir), "no spaces", 0)
    finally:
        server.shutdown()


class Failing(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.server.seen = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(503)
        self.end_headers()
        self.wfile.write(b"loading")

    def log_message(self, *args):
        pass


def test_a_server_error_stays_retryable_and_the_body_names_the_policy():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(RuntimeError, match="HTTP 503"):
            publish_checkpoint(f"http://127.0.0.1:{httpd.server_address[1]}", "/ckpt", "run@step-000003", 3)
        assert httpd.seen == {"path": "/ckpt", "policy": "run@step-000003", "policy_version": 3}
    finally:
        httpd.shutdown()
        httpd.server_close()
    with pytest.raises(urllib.error.URLError):
        publish_checkpoint("http://127.0.0.1:9", "/ckpt", "run@step-000003", 3, timeout_s=5)
