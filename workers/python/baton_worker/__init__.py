"""Baton's worker client for Python: report a Spot worker's outcome exactly once, and heartbeat.

The module functions use one Worker built from the environment Baton's user-data sets
(JOB_ID, CALLBACK_TOKEN, CALLBACK_TABLE_NAME, or TASK_TOKEN when the launcher opted in).

    import baton_worker

    with baton_worker.start_heartbeat():
        video_key = render(job_id)
    baton_worker.report_success({"job_id": job_id, "status": "completed", "video_key": video_key})
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping, Optional

from ._worker import (
    ACCEPTED,
    ALREADY_REPORTED,
    MISSED,
    RESUMED,
    SENT,
    CallbackNotFound,
    Heartbeat,
    StepFunctionsUnavailable,
    Worker,
    WorkflowGone,
)

__all__ = [
    "ACCEPTED",
    "ALREADY_REPORTED",
    "MISSED",
    "RESUMED",
    "SENT",
    "CallbackNotFound",
    "Heartbeat",
    "StepFunctionsUnavailable",
    "Worker",
    "WorkflowGone",
    "default_worker",
    "heartbeat",
    "report_failure",
    "report_success",
    "start_heartbeat",
]

_lock = threading.Lock()
_worker: Optional[Worker] = None


def default_worker() -> Worker:
    """The process's Worker, built from the environment on first use."""
    global _worker
    with _lock:
        if _worker is None:
            _worker = Worker.from_environment()
        return _worker


def report_success(output: Mapping[str, Any]) -> str:
    """SendTaskSuccess with `output`, exactly once: 'Resumed', 'Accepted' or 'AlreadyReported'."""
    return default_worker().report_success(output)


def report_failure(error: str, cause: str) -> str:
    """SendTaskFailure with `error` (the name Retry/Catch match on) and `cause`, exactly once."""
    return default_worker().report_failure(error, cause)


def heartbeat() -> str:
    """One SendTaskHeartbeat: 'Sent', 'Missed' or 'AlreadyReported'."""
    return default_worker().heartbeat()


def start_heartbeat(
    interval_seconds: Optional[float] = None, on_gone: Optional[Callable[[WorkflowGone], None]] = None
) -> Heartbeat:
    """Heartbeats every WORKER_HEARTBEAT_SECONDS (60) on a daemon thread until stopped (a context manager)."""
    return default_worker().start_heartbeat(interval_seconds, on_gone)
