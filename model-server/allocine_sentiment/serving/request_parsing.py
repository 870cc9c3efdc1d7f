"""Turning TorchServe request bodies into reviews, with a per-item error for anything unusable.

A body is one review (plain text, a JSON string or ``{"text": ...}``) or a JSON list of them; ``{"describe": true}``
asks for the model's description instead. Review text is never logged or echoed back in error messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

DEFAULT_MAX_CHARS = 20_000


@dataclass(frozen=True)
class ItemError:
    code: str
    message: str

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


@dataclass
class ParsedRequest:
    items: list[str | ItemError] = field(default_factory=list)
    is_list: bool = False
    describe: bool = False
    # Per item: ``{"text": ..., "explain": true}`` asks which words weighed how much in its answer.
    explain: list[bool] = field(default_factory=list)


def check_text(value: object, max_chars: int = DEFAULT_MAX_CHARS) -> str | ItemError:
    """One review as sent (a string or ``{"text": ...}``) → its text, or why it cannot be classified.

    The model server and the Spark job share these rules, so a review gets the same answer from both.
    """
    if isinstance(value, dict):
        if "text" not in value:
            return ItemError("missing_text", 'expected a string or an object with a "text" field')
        value = value["text"]
    if not isinstance(value, str):
        return ItemError("not_a_string", f"review text must be a string, got {type(value).__name__}")
    if not value.strip():
        return ItemError("empty_text", "review text is empty or whitespace")
    if not _well_formed(value):
        # JSON escapes can carry lone UTF-16 surrogates, which no tokenizer can encode: refuse this item alone.
        return ItemError("invalid_unicode", "review text is not well-formed Unicode (it holds a lone surrogate)")
    if len(value) > max_chars:
        return ItemError("text_too_long", f"review text has {len(value)} characters; the limit is {max_chars}")
    return value


def _well_formed(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _decode(body: object) -> object:
    """Raw bytes become JSON when they parse as JSON, plain text otherwise."""
    if isinstance(body, (bytes, bytearray)):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return ItemError("invalid_encoding", "request body is not valid UTF-8")
    if isinstance(body, str):
        stripped = body.strip()
        if stripped[:1] in ("[", "{", '"'):
            try:
                return json.loads(stripped)
            except json.JSONDecodeError:
                return ItemError("invalid_json", "request body looks like JSON but does not parse")
    return body


def parse_request(row: dict, max_chars: int = DEFAULT_MAX_CHARS) -> ParsedRequest:
    """One TorchServe request row (``{"body": ...}`` or ``{"data": ...}``) → its reviews or errors."""
    body = row.get("body") if row.get("body") is not None else row.get("data")
    if body is None:
        return ParsedRequest([ItemError("empty_body", "request has no body")])
    decoded = _decode(body)
    if isinstance(decoded, ItemError):
        return ParsedRequest([decoded])
    if decoded == {"describe": True}:
        return ParsedRequest(describe=True)
    if isinstance(decoded, list):
        if not decoded:
            return ParsedRequest([ItemError("empty_list", "the list of reviews is empty")])
        return ParsedRequest([check_text(value, max_chars) for value in decoded], True, explain=_explain_flags(decoded))
    return ParsedRequest([check_text(decoded, max_chars)], explain=_explain_flags([decoded]))


def _explain_flags(values: list) -> list[bool]:
    return [isinstance(value, dict) and value.get("explain") is True for value in values]
