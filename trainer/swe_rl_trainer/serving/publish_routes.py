"""The three ways a checkpoint is published, chosen by `route` (or SWE_RL_PUBLISH_ROUTE):

- load:    POST /admin/load_checkpoint on the serving URL (the CPU policy server; vLLM has no such route).
- restart: the same request to a restart supervisor (restart_supervisor.py) at `publish_url`
           (or SWE_RL_PUBLISH_URL), which restarts the serving process on the checkpoint.
- reload:  vLLM's development endpoints at the serving URL (VLLM_SERVER_DEV_MODE=1): update the
           model path, reload the weights, reset the prefix cache. The served name does not change.
           Untested here (no vLLM); see VLLM.md.

Whichever route, the serving URL's /v1/models must then list the published name before the
publish returns, so rollouts never resume on another model.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from ..policy_client import PublishRejected, publish_checkpoint
from .served_model import ServedModelMismatch, check_served, served_model_ids

ROUTES = ("load", "restart", "reload")


def resolve_route(route: str | None, publish_url: str | None, serve_url: str) -> tuple[str, str]:
    route = route or os.environ.get("SWE_RL_PUBLISH_ROUTE") or "load"
    if route not in ROUTES:
        raise PublishRejected(f"publish route must be one of {', '.join(ROUTES)}, got {route!r}")
    url = publish_url or os.environ.get("SWE_RL_PUBLISH_URL") or ""
    if route == "restart" and not url:
        raise PublishRejected("the restart route needs the supervisor's control URL (publish_url or SWE_RL_PUBLISH_URL)")
    return route, url or serve_url


def publish(route: str, publish_url: str, serve_url: str, checkpoint: str, name: str, version: int) -> dict:
    """{"policy", "policy_version", "route", "served"}: what the serving URL serves after the publish."""
    if route == "reload":
        name = reload_in_place(serve_url, checkpoint)
        answer = {"policy": name, "policy_version": version}
    else:
        answer = publish_checkpoint(publish_url, checkpoint, name, version)
    try:
        served = check_served(serve_url, answer.get("policy", name))
    except (ServedModelMismatch, OSError, urllib.error.URLError) as error:
        raise PublishRejected(f"after publishing {checkpoint} as {name} by {route}: {error}") from None
    return {"policy": answer.get("policy", name), "policy_version": int(answer.get("policy_version", version)),
            "route": route, "served": served}


def _post(url: str, body: dict | None, timeout_s: float) -> None:
    data = json.dumps(body).encode() if body is not None else b""
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:500]
        if error.code == 404:
            raise PublishRejected(f"{url}: HTTP 404 (start vLLM with VLLM_SERVER_DEV_MODE=1, or the version lacks it): {detail}") from None
        raise PublishRejected(f"{url}: HTTP {error.code}: {detail}") from None


def reload_in_place(serve_url: str, checkpoint: str, timeout_s: float = 1800.0) -> str:
    """Points vLLM's model config at `checkpoint`, reloads the weights, resets the prefix cache;
    returns the (unchanged) served name."""
    base = serve_url.rstrip("/")
    ids = served_model_ids(base)
    if len(ids) != 1:
        raise PublishRejected(f"{base} serves {ids}: the reload route needs exactly one served model")
    _post(base + "/collective_rpc", {"method": "update_config", "args": [{"model_config": {"model": checkpoint}}]}, timeout_s)
    _post(base + "/collective_rpc", {"method": "reload_weights"}, timeout_s)
    _post(base + "/reset_prefix_cache", None, 60.0)
    return ids[0]
