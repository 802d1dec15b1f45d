"""Tells a policy server to serve a checkpoint under a name (POST /admin/load_checkpoint), stdlib only."""
from __future__ import annotations

import json
import urllib.error
import urllib.request


class PublishRejected(Exception):
    """The server answered 4xx: retrying the same request cannot succeed."""


def publish_checkpoint(
    server_url: str, checkpoint_path: str, policy_name: str, policy_version: int, timeout_s: float = 600.0
) -> dict:
    """Loads `checkpoint_path` as policy `policy_name` (`<run>@step-000004`); returns the server's
    answer {"status", "policy", "path", "policy_version", "loaded"}. Publishing again is harmless."""
    url = server_url.rstrip("/") + "/admin/load_checkpoint"
    body = {"path": checkpoint_path, "policy": policy_name, "policy_version": policy_version}
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")
        if 400 <= error.code < 500:
            raise PublishRejected(f"{url} refused checkpoint {checkpoint_path!r} as policy {policy_name!r}: HTTP {error.code} {detail}") from None
        raise RuntimeError(f"{url} failed: HTTP {error.code} {detail}") from None
