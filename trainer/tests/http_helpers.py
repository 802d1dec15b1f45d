import json
import urllib.error
import urllib.request


def call(url, method="GET", body=None, raw=None):
    """(status, json body, headers) without raising on HTTP errors."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def chat(url, messages, **fields):
    return call(url + "/v1/chat/completions", "POST", {"messages": messages, **fields})
