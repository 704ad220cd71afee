"""The callbacks-table protocol, as ARCHITECTURE.md ("The worker protocol") pins it.

Everything here must match the TypeScript side (adapters/dynamodb/DynamoDbCallbackMappings.ts,
domain/callbacks/): the tests run both against the same table definition and check that a
report stored here is found and resumed by the TypeScript redrive.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

PENDING = "PENDING"
ACCEPTED = "ACCEPTED"
FINAL_STATUSES = ("COMPLETED", "FAILED", "EXPIRED", "ABANDONED", "REFUSED")
# What a repeated report learns from the status it finds (domain/callbacks/CallbackMapping.ts classifyRepeat).
IN_PROGRESS = ("ACCEPTED", "REFUSED")  # the outcome is held: resumed by the redrive, or by an operator
FINISHED = ("COMPLETED", "FAILED")
GONE = ("EXPIRED", "ABANDONED")
CHANNEL = "worker"

# Step Functions' limits on SendTaskSuccess / SendTaskFailure.
MAX_OUTPUT_BYTES = 262_144
MAX_ERROR_CHARS = 256
MAX_CAUSE_CHARS = 32_768

# SendTask* errors meaning the token can never be used again (a used token answers TaskTimedOut).
GONE_ERRORS = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})

# Client errors (4xx) that still pass by themselves; any other answered 4xx (AccessDenied, validation) is permanent.
PASSING_CLIENT_ERRORS = frozenset({
    "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "KmsThrottlingException",
    "ExpiredTokenException", "RequestExpired", "RequestTimeout", "RequestTimeoutException",
})


def is_passing(code: str, http_status: Optional[int]) -> bool:
    """Whether a Step Functions error that came with an answer may pass (5xx, throttling, expiring credentials)."""
    return (http_status is not None and http_status >= 500) or code in PASSING_CLIENT_ERRORS


# The sparse indexes' shards (adapters/dynamodb/callbackItem.ts): the launcher passes the deployment's
# CALLBACK_INDEX_SHARDS; a worker started by an older launcher (no variable) uses the same default.
DEFAULT_CALLBACK_INDEX_SHARDS = 32
MAX_CALLBACK_INDEX_SHARDS = 256


def fnv1a32(text: str) -> int:
    """FNV-1a, 32 bits, over the UTF-8 bytes of `text`, as callbackItem.ts `fnv1a32` (pinned vectors in both test suites)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def callback_shard(callback_token: str, shards: int) -> int:
    """The shard (0..shards-1) of a token's index items: fnv1a32(token) mod shards."""
    return fnv1a32(callback_token) % shards


def redrive_partition(callback_token: str, shards: int) -> str:
    """The `redrive_pk` a claim writes: `ACCEPTED#n`, the sparse `redrive` index's partition key."""
    return f"ACCEPTED#{callback_shard(callback_token, shards)}"


def callback_index_shards(value: Optional[str]) -> int:
    """CALLBACK_INDEX_SHARDS as the launcher set it; unset or blank means the default. Anything else raises ValueError."""
    if value is None or value.strip() == "":
        return DEFAULT_CALLBACK_INDEX_SHARDS
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_CALLBACK_INDEX_SHARDS:
        raise ValueError(f"CALLBACK_INDEX_SHARDS must be a whole number from 1 to {MAX_CALLBACK_INDEX_SHARDS}, got {value!r}")
    return int(text)


def iso_seconds(at: datetime) -> str:
    """ISO-8601 UTC without fractions, as the TypeScript side writes `accepted_at`: 2026-01-06T12:00:00Z."""
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> datetime:
    return datetime.now(timezone.utc)


def fingerprint(secret: str) -> str:
    """What logs show instead of a token: `fp:` and 12 hex of its SHA-256."""
    return "fp:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:12]


def _json(value: Any) -> str:
    # JSON.stringify's spelling: no spaces, non-ASCII kept as it is.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _clamp(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    marker = "…[truncated]"
    return text[: max(0, limit - len(marker))] + marker


def success_outcome(payload: Mapping[str, Any]) -> Dict[str, str]:
    """The stored `result` of a success. Over 256 KiB, `output` is replaced by a marker (as in TypeScript)."""
    output = _json(dict(payload))
    size = len(output.encode("utf-8"))
    if size <= MAX_OUTPUT_BYTES:
        return {"outcome": "success", "output": output}
    marked = _json({**dict(payload), "output": None, "output_truncated": True, "output_bytes": size})
    if len(marked.encode("utf-8")) <= MAX_OUTPUT_BYTES:
        return {"outcome": "success", "output": marked}
    return {"outcome": "success", "output": _json({"output": None, "output_truncated": True, "output_bytes": size})}


def failure_outcome(error: str, cause: str) -> Dict[str, str]:
    return {"outcome": "failure", "error": _clamp(str(error), MAX_ERROR_CHARS), "cause": _clamp(str(cause), MAX_CAUSE_CHARS)}


def result_attribute(outcome: Mapping[str, str]) -> Dict[str, Any]:
    """The outcome as a DynamoDB map attribute (`result`)."""
    return {"M": {name: {"S": value} for name, value in outcome.items()}}


def reportable_through_worker(item: Optional[Mapping[str, Any]]) -> bool:
    """A mapping made for another channel (a RunPod job) is, to a worker, not found."""
    if item is None:
        return False
    channel = item.get("channel", {}).get("S")
    return channel is None or channel == CHANNEL
