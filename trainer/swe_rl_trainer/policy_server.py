"""A small OpenAI-compatible policy server (stdlib HTTP) for local runs and tests, on CPU by default.

    python -m swe_rl_trainer.policy_server --model DIR --port P [--host 127.0.0.1] [--max-context N]
        [--served-model-name policy] [--policy-version 0] [--max-policies 4]

It serves several policies side by side, each under a name (`<run>@step-000004`), so one server
outlives runs and evaluations. The model it starts with is served as --served-model-name and is
never evicted; others are loaded by name and the least recently used beyond --max-policies go.

Endpoints: GET /health (the loaded names), GET /v1/models (every loaded policy),
POST /v1/completions (a `prompt` of token ids used verbatim), POST /tokenize, POST /detokenize,
POST /v1/chat/completions (vLLM-shaped, with `logprobs` and `return_token_ids`; `model` picks the
policy, absent = the pinned one; answers carry `policy` and `policy_version` and the headers
X-Policy-Name, X-Policy-Version), POST /admin/load_checkpoint {"path", "policy", "policy_version"?}:
the same name, path and weights again is a no-op, changed weights at that path are reloaded,
another path under a loaded name is a 409. A request holds the policy it started with, so an
eviction or reload never disturbs it.

With --script FILE it answers from a script instead of sampling (`scripted_policy.py`): the same
API, token ids and the served model's log-probs of the scripted reply. With --instant as well it
makes no forward pass: log-probs are reported as 0.0 (benchmarks; see scripted_policy.py).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import torch

from .errors import InvalidInput
from .generation import generate
from .scripted_policy import ScriptBook, instant_generation, scripted_generation
from .model_io import load_model_and_tokenizer, resolve_device
from .openai_protocol import (
    ApiError, chat_completion_body, check_policy_name, context_length_error, error_body, model_not_found,
    parse_chat_request, parse_load_request,
)
from .serving.token_protocol import (
    check_vocabulary, completion_body, parse_completion_request, parse_detokenize_request, parse_tokenize_request,
)

log = logging.getLogger("swe_rl_trainer.policy_server")
MAX_BODY_BYTES = 64 * 1024 * 1024
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".index.json")  # not optimizer.pt: it is no weights


@dataclass(frozen=True)
class LoadedPolicy:
    name: str
    model: Any
    tokenizer: Any
    policy_version: int
    path: str
    max_context: int
    eos_token_ids: frozenset[int]
    fingerprint: tuple


def _eos_token_ids(model, tokenizer) -> frozenset[int]:
    ids = set()
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if configured is not None:
        ids.update(configured if isinstance(configured, (list, tuple)) else [configured])
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return frozenset(ids)


def weights_fingerprint(path: str | Path) -> tuple:
    """Identifies a checkpoint's content: a resumed run may write a new checkpoint at the same path."""
    folder = Path(path)
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.iterdir() if p.name.endswith(WEIGHT_SUFFIXES))
    return tuple((p.name, p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def load_policy(name: str, path: str | Path, policy_version: int, device: torch.device, max_context: int | None) -> LoadedPolicy:
    fingerprint = weights_fingerprint(path)  # before loading: a later rewrite then differs from it
    # A context beyond the model's gets the same YaRN scaling as the trainer's (rope_context.extend_context).
    model, tokenizer = load_model_and_tokenizer(path, device, max_context=max_context)
    context = max_context or int(getattr(model.config, "max_position_embeddings", 4096))
    return LoadedPolicy(name, model, tokenizer, policy_version, str(path), context, _eos_token_ids(model, tokenizer), fingerprint)


class PolicyRegistry:
    """The loaded policies by name, least recently used first. Loads are serialised and replace one
    dict entry when complete, so readers never see a half-loaded model."""

    def __init__(self, pinned: LoadedPolicy, device: torch.device, max_context: int | None, max_policies: int):
        if max_policies < 1:
            raise ValueError(f"max_policies must be >= 1, got {max_policies}")
        self.pinned = pinned.name
        self._policies: OrderedDict[str, LoadedPolicy] = OrderedDict({pinned.name: pinned})
        self._device = device
        self._max_context = max_context
        self._max_policies = max_policies
        self._lock = threading.Lock()  # guards _policies; held briefly
        self._load_lock = threading.Lock()  # one load at a time; held for a whole load

    def get(self, name: str | None = None) -> LoadedPolicy:
        with self._lock:
            policy = self._policies.get(name or self.pinned)
            if policy is None:
                raise model_not_found(name)
            self._policies.move_to_end(policy.name)
            return policy

    def all(self) -> list[LoadedPolicy]:
        with self._lock:
            return list(self._policies.values())

    def load(self, name: str, path: str, policy_version: int) -> tuple[LoadedPolicy, bool]:
        """(the policy, whether it was loaded now) for `name` served from `path`."""
        with self._load_lock:
            with self._lock:
                loaded = self._policies.get(name)
            if loaded is not None:
                if Path(path).resolve() != Path(loaded.path).resolve():
                    raise ApiError(409, f"policy {name!r} is already served from {loaded.path}, not {path}", "policy")
                if weights_fingerprint(path) == loaded.fingerprint:  # a retried publish
                    return self._put(dataclasses.replace(loaded, policy_version=policy_version)), False
            try:
                policy = load_policy(name, path, policy_version, self._device, self._max_context)
            except InvalidInput as error:
                raise ApiError(400, str(error), "path") from None
            log.info("%s policy %s (version %d) from %s", "reloaded" if loaded else "loaded", name, policy_version, path)
            return self._put(policy), True

    def _put(self, policy: LoadedPolicy) -> LoadedPolicy:
        with self._lock:
            self._policies[policy.name] = policy
            self._policies.move_to_end(policy.name)
            evictable = [n for n in self._policies if n not in (self.pinned, policy.name)]
            for name in evictable[: max(0, len(self._policies) - self._max_policies)]:
                del self._policies[name]  # a request still generating with it keeps its own reference
                log.info("evicted policy %s", name)
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
        max_policies: int = 4,
        script: ScriptBook | None = None,
        instant: bool = False,
    ):
        if instant and script is None:
            raise ValueError("instant answers need a script")
        target = resolve_device(device or "cpu")
        pinned = load_policy(check_policy_name(served_model_name, "served_model_name"), model_dir, policy_version, target, max_context)
        self.registry = PolicyRegistry(pinned, target, max_context, max_policies)
        self.script = script
        self.instant = instant
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

    def health(self) -> tuple[dict, None]:
        return {"status": "ok", "policies": [p.name for p in self.registry.all()]}, None

    def models(self) -> tuple[dict, None]:
        return {
            "object": "list",
            "data": [{
                "id": p.name, "object": "model", "owned_by": "swe-rl",
                "root": p.path, "max_model_len": p.max_context, "policy_version": p.policy_version,
            } for p in self.registry.all()],
        }, None

    def chat_completion(self, body: Any) -> tuple[dict, LoadedPolicy]:
        request = parse_chat_request(body)
        policy = self.registry.get(request.model)  # this request finishes on this policy, whatever loads meanwhile
        prompt = policy.tokenizer.apply_chat_template(request.messages, tokenize=False, add_generation_prompt=True)
        prompt_ids = policy.tokenizer.encode(prompt, add_special_tokens=False)
        room = policy.max_context - len(prompt_ids)
        if room <= 0 or (request.max_tokens is not None and request.max_tokens > room):
            raise context_length_error(policy.max_context, len(prompt_ids), request.max_tokens)
        if self.script is not None:
            text = self.script.reply(request.messages)
            if self.instant:
                result = instant_generation(policy.tokenizer, text, request.max_tokens or room, policy.eos_token_ids)
            else:
                result = scripted_generation(policy.model, policy.tokenizer, prompt_ids, text, request.max_tokens or room, policy.eos_token_ids)
        else:
            result = generate(
                policy.model, policy.tokenizer, prompt_ids,
                max_tokens=request.max_tokens or room, params=request.sampling, eos_token_ids=policy.eos_token_ids,
                stop=request.stop, stop_token_ids=request.stop_token_ids, seed=request.seed,
                top_logprobs=request.top_logprobs,
            )
        body = chat_completion_body(request, result, prompt_ids, policy.tokenizer, policy.name, policy.policy_version)
        return body, policy

    def completion(self, body: Any) -> tuple[dict, LoadedPolicy]:
        """vLLM's /v1/completions: a prompt given as token ids is used verbatim (token-in/token-out)."""
        request = parse_completion_request(body)
        policy = self.registry.get(request.model)
        if self.script is not None:
            raise ApiError(400, "a scripted server answers chat completions only", "prompt")
        if request.prompt_ids is not None:
            check_vocabulary(request.prompt_ids, int(policy.model.config.vocab_size))
            prompt_ids = list(request.prompt_ids)
        else:
            prompt_ids = policy.tokenizer.encode(request.prompt_text, add_special_tokens=True)
        room = policy.max_context - len(prompt_ids)
        if room <= 0 or (request.max_tokens is not None and request.max_tokens > room):
            raise context_length_error(policy.max_context, len(prompt_ids), request.max_tokens)
        result = generate(
            policy.model, policy.tokenizer, prompt_ids,
            max_tokens=request.max_tokens or 16, params=request.sampling, eos_token_ids=policy.eos_token_ids,
            stop=request.stop, stop_token_ids=request.stop_token_ids, seed=request.seed, top_logprobs=request.logprobs or 0,
        )
        return completion_body(request, result, prompt_ids, policy.tokenizer, policy.name, policy.policy_version), policy

    def tokenize(self, body: Any) -> tuple[dict, LoadedPolicy]:
        request = parse_tokenize_request(body)
        policy = self.registry.get(request.model)
        if request.messages is not None:
            text = policy.tokenizer.apply_chat_template(request.messages, tokenize=False, add_generation_prompt=request.add_generation_prompt)
        else:
            text = request.prompt
        tokens = policy.tokenizer.encode(text, add_special_tokens=request.add_special_tokens)
        return {"count": len(tokens), "max_model_len": policy.max_context, "tokens": tokens}, policy

    def detokenize(self, body: Any) -> tuple[dict, LoadedPolicy]:
        model, tokens = parse_detokenize_request(body)
        policy = self.registry.get(model)
        check_vocabulary(tokens, int(policy.model.config.vocab_size))
        return {"prompt": policy.tokenizer.decode(list(tokens), skip_special_tokens=False, clean_up_tokenization_spaces=False)}, policy

    def load_checkpoint(self, body: Any) -> tuple[dict, LoadedPolicy]:
        request = parse_load_request(body)
        policy, loaded = self.registry.load(request.policy, request.path, request.policy_version)
        answer = {"status": "ok", "policy": policy.name, "path": policy.path, "policy_version": policy.policy_version, "loaded": loaded}
        return answer, policy


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
            self.send_header("X-Policy-Name", policy.name)
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
            self._send(error.status, error.body())
        except Exception as error:  # a bug must answer 500, not drop the connection
            log.exception("request failed")
            self._send(500, error_body(500, f"internal error: {error!r}"))

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        state = self.server_state
        if self.path == "/health":
            self._dispatch(state.health)
        elif self.path == "/v1/models":
            self._dispatch(state.models)
        else:
            self._send(404, error_body(404, f"no route GET {self.path}"))

    def do_POST(self) -> None:  # noqa: N802
        state = self.server_state
        routes = {
            "/v1/chat/completions": state.chat_completion, "/v1/completions": state.completion,
            "/tokenize": state.tokenize, "/detokenize": state.detokenize, "/admin/load_checkpoint": state.load_checkpoint,
        }
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
    parser.add_argument("--served-model-name", default="policy", help="the name the --model policy is served as (never evicted)")
    parser.add_argument("--policy-version", type=int, default=0)
    parser.add_argument("--max-policies", type=int, default=4, help="policies kept loaded; the least recently used go first")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (1 is fastest for tiny models)")
    parser.add_argument("--script", default=None, help="answer from this script instead of sampling (swe_rl_trainer.scripted_policy)")
    parser.add_argument("--instant", action="store_true", help="with --script: no forward pass, log-probs reported as 0.0 (benchmarks)")
    parser.add_argument("--unfixed-every", type=int, default=0, help="with --script: every N-th episode of a task submits without the fix")
    args = parser.parse_args(argv)
    if (args.instant or args.unfixed_every) and not args.script:
        parser.error("--instant and --unfixed-every need --script")
    if args.threads:
        torch.set_num_threads(args.threads)
    logging.basicConfig(level=logging.INFO)
    server = PolicyServer(
        args.model, host=args.host, port=args.port, max_context=args.max_context,
        served_model_name=args.served_model_name, policy_version=args.policy_version, device=args.device,
        max_policies=args.max_policies, script=ScriptBook.load(args.script, args.unfixed_every) if args.script else None,
        instant=args.instant,
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
