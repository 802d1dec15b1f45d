"""A small OpenAI-compatible policy server (stdlib HTTP) for local runs and tests, on CPU by default.

    python -m swe_rl_trainer.policy_server --model DIR --port P [--host 127.0.0.1] [--max-context N]

Endpoints: GET /health, GET /v1/models, POST /v1/chat/completions (vLLM-shaped, with
`logprobs` and `return_token_ids`), POST /admin/load_checkpoint {"path", "policy_version"}, which
swaps the model without a restart: a request holds the policy it started with, so in-flight
requests finish on the old model while new ones get the new one.
"""
from __future__ import annotations

import argparse
import json
import logging
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import torch

from .errors import InvalidInput
from .generation import generate
from .model_io import load_model_and_tokenizer, resolve_device
from .openai_protocol import ApiError, chat_completion_body, context_length_error, error_body, parse_chat_request

log = logging.getLogger("swe_rl_trainer.policy_server")
MAX_BODY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class LoadedPolicy:
    model: Any
    tokenizer: Any
    policy_version: int
    path: str
    max_context: int
    eos_token_ids: frozenset[int]


def _eos_token_ids(model, tokenizer) -> frozenset[int]:
    ids = set()
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if configured is not None:
        ids.update(configured if isinstance(configured, (list, tuple)) else [configured])
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return frozenset(ids)


def load_policy(path: str | Path, policy_version: int, device: torch.device, max_context: int | None) -> LoadedPolicy:
    model, tokenizer = load_model_and_tokenizer(path, device)
    context = max_context or int(getattr(model.config, "max_position_embeddings", 4096))
    return LoadedPolicy(model, tokenizer, policy_version, str(path), context, _eos_token_ids(model, tokenizer))


class PolicyHolder:
    """The policy being served; swapping replaces one reference, so readers never see a half-loaded model."""

    def __init__(self, policy: LoadedPolicy, device: torch.device, max_context: int | None):
        self._policy = policy
        self._device = device
        self._max_context = max_context
        self._load_lock = threading.Lock()

    def current(self) -> LoadedPolicy:
        return self._policy

    def load(self, path: str, policy_version: int) -> LoadedPolicy:
        with self._load_lock:
            served = self._policy
            if policy_version < served.policy_version:
                raise ApiError(409, f"policy_version {policy_version} is older than the served version {served.policy_version}", "policy_version")
            if policy_version == served.policy_version:
                if Path(path).resolve() == Path(served.path).resolve():
                    return served  # a retried publish
                raise ApiError(409, f"policy_version {policy_version} is already served from {served.path}", "policy_version")
            try:
                policy = load_policy(path, policy_version, self._device, self._max_context)
            except InvalidInput as error:
                raise ApiError(400, str(error), "path") from None
            self._policy = policy
            log.info("now serving policy_version %d from %s", policy_version, path)
            return policy


class PolicyServer:
    def __init__(
        self,
        model_dir: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_context: int | None = None,
        served_model_name: str = "policy",
        policy_version: int = 0,
        device: str | None = None,
    ):
        target = resolve_device(device or "cpu")
        self.holder = PolicyHolder(load_policy(model_dir, policy_version, target, max_context), target, max_context)
        self.served_model_name = served_model_name
        handler = type("BoundHandler", (PolicyRequestHandler,), {"server_state": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        host = self.httpd.server_address[0]
        return f"http://{host}:{self.port}"

    def start(self) -> "PolicyServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="policy-server", daemon=True)
        self._thread.start()
        return self

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=10)

    # ---- handlers ---------------------------------------------------------------------------

    def models(self) -> tuple[dict, LoadedPolicy]:
        policy = self.holder.current()
        return {
            "object": "list",
            "data": [{
                "id": self.served_model_name, "object": "model", "owned_by": "swe-rl",
                "root": policy.path, "max_model_len": policy.max_context, "policy_version": policy.policy_version,
            }],
        }, policy

    def chat_completion(self, body: Any) -> tuple[dict, LoadedPolicy]:
        request = parse_chat_request(body)
        policy = self.holder.current()  # this request finishes on this policy, even if a swap happens
        if request.model is not None and request.model != self.served_model_name:
            raise ApiError(404, f"The model `{request.model}` does not exist.", "model")
        prompt = policy.tokenizer.apply_chat_template(request.messages, tokenize=False, add_generation_prompt=True)
        prompt_ids = policy.tokenizer.encode(prompt, add_special_tokens=False)
        room = policy.max_context - len(prompt_ids)
        if room <= 0 or (request.max_tokens is not None and request.max_tokens > room):
            raise context_length_error(policy.max_context, len(prompt_ids), request.max_tokens)
        result = generate(
            policy.model, policy.tokenizer, prompt_ids,
            max_tokens=request.max_tokens or room, params=request.sampling, eos_token_ids=policy.eos_token_ids,
            stop=request.stop, stop_token_ids=request.stop_token_ids, seed=request.seed,
            top_logprobs=request.top_logprobs,
        )
        body = chat_completion_body(request, result, prompt_ids, policy.tokenizer, self.served_model_name, policy.policy_version)
        return body, policy

    def load_checkpoint(self, body: Any) -> tuple[dict, LoadedPolicy]:
        if not isinstance(body, dict):
            raise ApiError(400, "the request body must be a JSON object")
        path, version = body.get("path"), body.get("policy_version")
        if not isinstance(path, str) or not path:
            raise ApiError(400, "path: must be a non-empty string", "path")
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise ApiError(400, f"policy_version: must be an integer >= 0, got {version!r}", "policy_version")
        policy = self.holder.load(path, version)
        return {"status": "ok", "path": policy.path, "policy_version": policy.policy_version}, policy


class PolicyRequestHandler(BaseHTTPRequestHandler):
    server_state: PolicyServer
    server_version = "swe-rl-policy-server"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: dict, policy: LoadedPolicy | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if policy is not None:
            self.send_header("X-Policy-Version", str(policy.policy_version))
        self.end_headers()
        self.wfile.write(data)

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(400, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ApiError(400, f"the request body is not valid JSON: {error}") from None

    def _dispatch(self, route) -> None:
        try:
            body, policy = route()
            self._send(HTTPStatus.OK, body, policy)
        except ApiError as error:
            self._send(error.status, error.body(), self.server_state.holder.current())
        except Exception as error:  # a bug must answer 500, not drop the connection
            log.exception("request failed")
            self._send(500, error_body(500, f"internal error: {error!r}"))

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        state = self.server_state
        if self.path == "/health":
            self._dispatch(lambda: ({"status": "ok", "policy_version": state.holder.current().policy_version}, state.holder.current()))
        elif self.path == "/v1/models":
            self._dispatch(state.models)
        else:
            self._send(404, error_body(404, f"no route GET {self.path}"))

    def do_POST(self) -> None:  # noqa: N802
        state = self.server_state
        routes = {"/v1/chat/completions": state.chat_completion, "/admin/load_checkpoint": state.load_checkpoint}
        route = routes.get(self.path)
        if route is None:
            self._send(404, error_body(404, f"no route POST {self.path}"))
            return
        self._dispatch(lambda: route(self._read_json()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="swe-rl's local OpenAI-compatible policy server")
    parser.add_argument("--model", required=True, help="Hugging Face model directory (a checkpoint)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--max-context", type=int, default=None, help="context limit in tokens (default: the model's)")
    parser.add_argument("--served-model-name", default="policy")
    parser.add_argument("--policy-version", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (1 is fastest for tiny models)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    logging.basicConfig(level=logging.INFO)
    server = PolicyServer(
        args.model, host=args.host, port=args.port, max_context=args.max_context,
        served_model_name=args.served_model_name, policy_version=args.policy_version, device=args.device,
    )
    print(f"policy server listening on {server.url}", flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
