"""Builds turn k's prompt ids from turn k-1's, using only endpoints vLLM also has (/tokenize and
/detokenize), so the ids sent are the ids the trainer trains on.

    prompt_k = prompt_{k-1} + sampled_{k-1} + ids(template text after the sampled reply)

The template text after the reply is what the chat template renders after the assistant's content
(its end-of-turn marker, unless the sampled ids already end with it) and the new observation
messages, up to the next generation prompt. This is the reference for the TypeScript policy
activity (core/policy/promptIds.ts), which does the same with the same requests.
"""
from __future__ import annotations

import json
import urllib.request


class PromptBuildError(Exception):
    """The chat template does not extend the conversation built so far."""


class TokenizerEndpoint:
    def __init__(self, base_url: str, model: str | None = None, timeout_s: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = timeout_s

    def _post(self, path: str, body: dict) -> dict:
        if self.model:
            body = {"model": self.model, **body}
        request = urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            return json.loads(response.read())

    def chat_ids(self, messages: list[dict], add_generation_prompt: bool) -> list[int]:
        return self._post("/tokenize", {"messages": messages, "add_generation_prompt": add_generation_prompt})["tokens"]

    def text_ids(self, text: str) -> list[int]:
        return self._post("/tokenize", {"prompt": text, "add_special_tokens": False})["tokens"] if text else []

    def text(self, ids: list[int]) -> str:
        return self._post("/detokenize", {"tokens": ids})["prompt"] if ids else ""


def first_prompt_ids(endpoint: TokenizerEndpoint, messages: list[dict]) -> list[int]:
    return endpoint.chat_ids(messages, add_generation_prompt=True)


def next_prompt_ids(endpoint: TokenizerEndpoint, previous_prompt_ids: list[int], sampled_ids: list[int],
                    conversation: list[dict], new_messages: list[dict]) -> list[int]:
    """`conversation` ends with the assistant message of `sampled_ids`; `new_messages` are the observation(s)."""
    closed = endpoint.text(endpoint.chat_ids(conversation, add_generation_prompt=False))
    extended = endpoint.text(endpoint.chat_ids(conversation + new_messages, add_generation_prompt=True))
    if not extended.startswith(closed):
        raise PromptBuildError("the chat template renders the conversation differently once new messages follow it")
    before_reply = endpoint.text(list(previous_prompt_ids))
    content = conversation[-1]["content"]
    if not closed.startswith(before_reply + content):
        raise PromptBuildError("the chat template does not render the previous prompt followed by the reply's content")
    after_reply = closed[len(before_reply) + len(content):] + extended[len(closed):]
    sampled_text = endpoint.text(sampled_ids[-1:]) if sampled_ids else ""
    if sampled_text and after_reply.startswith(sampled_text) and not content.endswith(sampled_text):
        after_reply = after_reply[len(sampled_text):]  # the end-of-turn marker the policy sampled itself
    return list(previous_prompt_ids) + list(sampled_ids) + endpoint.text_ids(after_reply)
