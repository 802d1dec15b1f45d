"""Asks a serving process what it serves (GET /health, GET /v1/models), stdlib only; the same
check for the CPU policy server and vLLM, whose /v1/models lists `id` = --served-model-name."""
from __future__ import annotations

import json
import urllib.error
import urllib.request


class ServedModelMismatch(Exception):
    """The server answers, but not with the published model: rollouts must not resume on it."""


def _get(url: str, timeout_s: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def is_healthy(base_url: str, timeout_s: float = 5.0) -> bool:
    try:
        status, _ = _get(base_url.rstrip("/") + "/health", timeout_s)
    except (OSError, urllib.error.URLError):
        return False
    return status == 200


def served_model_ids(base_url: str, timeout_s: float = 10.0) -> list[str]:
    status, body = _get(base_url.rstrip("/") + "/v1/models", timeout_s)
    if status != 200:
        raise ServedModelMismatch(f"{base_url}/v1/models answered HTTP {status}: {body[:300]!r}")
    return [entry.get("id") for entry in json.loads(body).get("data", [])]


def check_served(base_url: str, name: str, timeout_s: float = 10.0) -> list[str]:
    """Raises ServedModelMismatch unless `name` is among the served model ids; returns them."""
    ids = served_model_ids(base_url, timeout_s)
    if name not in ids:
        raise ServedModelMismatch(f"{base_url} serves {ids}, not the published {name!r}")
    return ids
