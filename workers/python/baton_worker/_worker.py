"""The Worker: report once, heartbeat meanwhile. See ARCHITECTURE.md, "The worker protocol"."""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any, Callable, Dict, Mapping, Optional

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from . import _protocol as p

log = logging.getLogger("baton_worker")

RESUMED = "Resumed"
"""Step Functions took this report."""
ACCEPTED = "Accepted"
"""The report is stored; Baton's redrive resumes Step Functions (it was unreachable, or another report is resuming it)."""
ALREADY_REPORTED = "AlreadyReported"
"""An earlier report already resumed the task; this one changed nothing."""
SENT = "Sent"
MISSED = "Missed"


class CallbackNotFound(Exception):
    """No mapping for this callback token that a worker may report through."""


class WorkflowGone(Exception):
    """Step Functions no longer waits for this task (it timed out, or its execution stopped)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StepFunctionsUnavailable(Exception):
    """Step Functions could not be reached (only with TASK_TOKEN; through the table the report is kept)."""


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _passing(error: ClientError) -> bool:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return p.is_passing(_code(error), status if isinstance(status, int) else None)


def _refusal(error: ClientError) -> str:
    return f"{_code(error)}: {error.response.get('Error', {}).get('Message', '')}"[:1024]


# ---- a resume whose answer was lost (ARCHITECTURE.md, "A resume whose answer was lost") ----
#
# botocore retries an attempt whose answer did not come back (read timeout, dropped connection) or
# was a 5xx; if that attempt reached Step Functions, the task is resumed and the retry finds the
# token closed: TaskTimedOut. So each attempt of SendTaskSuccess/Failure is watched through
# botocore's per-attempt event (needs-retry, emitted for every attempt, the last included), and a
# report that ends "gone" after one that may have taken effect is taken as resumed.

_RESUME_OPERATIONS = ("SendTaskSuccess", "SendTaskFailure")  # a heartbeat cannot close a token: not watched
_current = threading.local()  # the report in progress on this thread (botocore emits on the calling thread)


class _Attempts:
    """One report's SendTaskSuccess/Failure attempts: whether one may have taken effect without its answer."""

    def __init__(self) -> None:
        self.unanswered = False


def _may_have_taken_effect(response: Any, caught_exception: Optional[BaseException]) -> bool:
    """No answer (read timeout, dropped connection), or a 5xx; as the TypeScript adapter. A 4xx proves it was not applied."""
    if caught_exception is not None:
        return True
    status = getattr(response[0], "status_code", None) if response else None
    return isinstance(status, int) and status >= 500


def _watch_attempt(response: Any = None, caught_exception: Optional[BaseException] = None, **_: Any) -> None:
    attempts = getattr(_current, "attempts", None)
    if attempts is not None and _may_have_taken_effect(response, caught_exception):
        attempts.unanswered = True
    # None: the retry decision stays botocore's.


def _watch_resumes(stepfunctions: Any) -> None:
    """Registers the attempt watch on a botocore Step Functions client (once per client)."""
    meta = getattr(stepfunctions, "meta", None)
    if meta is None or not hasattr(meta, "events"):
        return  # not a botocore client: nothing retries behind our back
    service = meta.service_model.service_id.hyphenize()
    for operation in _RESUME_OPERATIONS:
        meta.events.register(f"needs-retry.{service}.{operation}", _watch_attempt, unique_id=f"baton-worker-{operation}")


def _client_config() -> Config:
    # Every call has a deadline; the report itself is retried by the Worker, so botocore retries little.
    return Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"})


def _endpoint(env: Mapping[str, str], service: str) -> Optional[str]:
    # botocore < 1.31 ignores AWS_ENDPOINT_URL(_<SERVICE>); honour them here so local engines work with any boto3.
    return env.get(f"AWS_ENDPOINT_URL_{service}") or env.get("AWS_ENDPOINT_URL") or None


class Worker:
    """A Spot worker's link to its waiting Step Functions task.

    Through the callbacks table (the default): one conditional write claims the mapping and stores the
    outcome, then SendTaskSuccess/Failure; a repeated or concurrent report resumes nothing.

    >>> worker = Worker.from_environment()
    >>> worker.report_success({"job_id": worker.job_id, "status": "completed"})
    'Resumed'
    """

    def __init__(
        self,
        job_id: str,
        *,
        callback_token: Optional[str] = None,
        table_name: Optional[str] = None,
        task_token: Optional[str] = None,
        dynamodb: Any = None,
        stepfunctions: Any = None,
        heartbeat_seconds: float = 60,
        hold_seconds: float = 900,
        report_attempts: int = 5,
        first_retry_delay: float = 1.0,
        stop_when_gone: bool = True,
        index_shards: int = p.DEFAULT_CALLBACK_INDEX_SHARDS,
    ) -> None:
        if task_token is None and (callback_token is None or table_name is None):
            raise ValueError("need CALLBACK_TOKEN and CALLBACK_TABLE_NAME (or TASK_TOKEN, when the launcher opted in)")
        self.job_id = job_id
        self.heartbeat_seconds = heartbeat_seconds
        self._callback_token = callback_token
        self._table = table_name
        self._task_token = task_token if callback_token is None else None
        self._dynamodb = dynamodb
        self._sfn = stepfunctions
        self._hold_seconds = hold_seconds
        self._attempts = max(1, report_attempts)
        self._first_delay = first_retry_delay
        self.stop_when_gone = stop_when_gone
        self._shards = p.callback_index_shards(str(index_shards))
        self._pause = threading.Event()  # never set: wait() is an interruptible sleep
        if stepfunctions is not None:
            _watch_resumes(stepfunctions)

    @classmethod
    def from_environment(cls, env: Optional[Mapping[str, str]] = None, **options: Any) -> "Worker":
        """The worker of a process started by Baton's user-data, with the instance role's credentials."""
        env = os.environ if env is None else env
        missing = [name for name in ("JOB_ID",) if not env.get(name)]
        if not env.get("TASK_TOKEN") and not (env.get("CALLBACK_TOKEN") and env.get("CALLBACK_TABLE_NAME")):
            missing += [name for name in ("CALLBACK_TOKEN", "CALLBACK_TABLE_NAME") if not env.get(name)]
        problems = [f"missing {', '.join(missing)} (or TASK_TOKEN, when the launcher opted in)"] if missing else []
        try:
            shards = p.callback_index_shards(env.get("CALLBACK_INDEX_SHARDS"))
        except ValueError as bad:
            problems.append(str(bad))
        if problems:
            raise ValueError(f"baton_worker: {'; '.join(problems)}")
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
        session = boto3.session.Session(region_name=region)
        config = options.pop("config", None) or _client_config()
        use_table = bool(env.get("CALLBACK_TOKEN") and env.get("CALLBACK_TABLE_NAME"))
        settings: Dict[str, Any] = {
            "callback_token": env.get("CALLBACK_TOKEN") if use_table else None,
            "table_name": env.get("CALLBACK_TABLE_NAME") if use_table else None,
            "task_token": None if use_table else env.get("TASK_TOKEN"),
            "dynamodb": session.client("dynamodb", endpoint_url=_endpoint(env, "DYNAMODB"), config=config) if use_table else None,
            "stepfunctions": session.client("stepfunctions", endpoint_url=_endpoint(env, "SFN"), config=config),
            "heartbeat_seconds": float(env.get("WORKER_HEARTBEAT_SECONDS") or 60),
            "stop_when_gone": (env.get("WORKER_STOP_HOST_WHEN_GONE") or "true").strip().lower() != "false",
            "index_shards": shards,
        }
        settings.update(options)
        return cls(env["JOB_ID"], **settings)

    # ---- reports ----

    def report_success(self, output: Mapping[str, Any]) -> str:
        """SendTaskSuccess with `output` (a JSON object) as the task's output, exactly once."""
        return self._report(p.success_outcome(output))

    def report_failure(self, error: str, cause: str) -> str:
        """SendTaskFailure with the error name the state machine's Retry/Catch match on, exactly once."""
        return self._report(p.failure_outcome(error, cause))

    def _report(self, outcome: Dict[str, str]) -> str:
        # Watched across the whole report: botocore's retries and the Worker's own (with TASK_TOKEN).
        attempts = _Attempts()
        _current.attempts = attempts
        try:
            answer = self._retrying(lambda: self._deliver(outcome, attempts))
        finally:
            _current.attempts = None
        log.info("Worker outcome reported", extra={"outcome": outcome["outcome"], "answer": answer})
        if answer == ACCEPTED and self._hold_seconds > 0:
            self._hold()
        return answer

    def _retrying(self, attempt: Callable[[], str]) -> str:
        delay = self._first_delay
        for n in range(1, self._attempts + 1):
            try:
                return attempt()
            except (CallbackNotFound, WorkflowGone):
                raise
            except (ClientError, BotoCoreError, StepFunctionsUnavailable) as fault:
                if n == self._attempts:
                    raise
                log.warning("Report not delivered; retrying", extra={"attempt": n, "error": repr(fault)})
                self._pause.wait(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _deliver(self, outcome: Dict[str, str], attempts: _Attempts) -> str:
        if self._task_token is not None:
            try:
                self._send(self._task_token, outcome)
            except ClientError as e:
                if _code(e) in p.GONE_ERRORS:
                    if attempts.unanswered:
                        self._taken_unconfirmed(self._task_token, _code(e))
                        return RESUMED
                    raise WorkflowGone(_code(e)) from e
                raise StepFunctionsUnavailable(repr(e)) from e
            return RESUMED
        claimed = self._claim(outcome)
        if claimed is None:
            return self._repeated(self._read())
        return self._resume(claimed["task_token"]["S"], outcome, attempts)

    def _claim(self, outcome: Dict[str, str]) -> Optional[Dict[str, Any]]:
        """Step 1: PENDING → ACCEPTED with the outcome, if the mapping is a worker's. None when the condition fails."""
        try:
            answer = self._dynamodb.update_item(
                TableName=self._table,
                Key={"callback_token": {"S": self._callback_token}},
                UpdateExpression=(
                    "SET #status = :accepted, accepted_at = :at, #result = :result, redrive_pk = :redrive REMOVE reconcile_pk"
                ),
                ConditionExpression="#status = :pending AND (attribute_not_exists(#channel) OR #channel = :channel)",
                ExpressionAttributeNames={"#status": "status", "#result": "result", "#channel": "channel"},
                ExpressionAttributeValues={
                    ":accepted": {"S": p.ACCEPTED},
                    ":pending": {"S": p.PENDING},
                    ":channel": {"S": p.CHANNEL},
                    ":at": {"S": p.iso_seconds(p.now())},
                    ":result": p.result_attribute(outcome),
                    ":redrive": {"S": p.redrive_partition(self._callback_token, self._shards)},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as e:
            if _code(e) == "ConditionalCheckFailedException":
                return None
            raise
        return answer["Attributes"]

    def _read(self) -> Optional[Dict[str, Any]]:
        # botocore 1.29 has no ReturnValuesOnConditionCheckFailure: a lost claim reads the item (consistently).
        return self._dynamodb.get_item(
            TableName=self._table, Key={"callback_token": {"S": self._callback_token}}, ConsistentRead=True
        ).get("Item")

    def _repeated(self, current: Optional[Dict[str, Any]]) -> str:
        if not p.reportable_through_worker(current):
            log.warning("Callback token not found in DynamoDB", extra={"callback_token": p.fingerprint(self._callback_token or "")})
            raise CallbackNotFound(p.fingerprint(self._callback_token or ""))
        status = current["status"]["S"]  # type: ignore[index]
        if status in p.IN_PROGRESS:
            return ACCEPTED
        if status in p.GONE:
            raise WorkflowGone(current.get("gone_reason", {}).get("S", status))  # type: ignore[union-attr]
        if status in p.FINISHED:
            return ALREADY_REPORTED
        raise RuntimeError(f"a {status} mapping refused its claim")

    def _resume(self, task_token: str, outcome: Dict[str, str], attempts: _Attempts) -> str:
        """Steps 2-3: hand the stored outcome to Step Functions, then record the final status."""
        try:
            self._send(task_token, outcome)
        except ClientError as e:
            if _code(e) in p.GONE_ERRORS:
                if attempts.unanswered:
                    # An earlier attempt of this resume closed the token: it is resumed, not EXPIRED.
                    self._taken_unconfirmed(task_token, _code(e))
                    return self._resumed(outcome)
                if not self._finish("EXPIRED", gone_reason=_code(e)):
                    # The redrive resumed our stored outcome first and recorded it: that is not "gone".
                    current = self._read()
                    if current is not None and current["status"]["S"] in p.FINISHED:
                        return ALREADY_REPORTED
                raise WorkflowGone(_code(e)) from e
            if not _passing(e):
                # AccessDenied, validation: retrying for days changes nothing. The outcome is held
                # (REFUSED, out of the redrive) for an operator, as the TypeScript side does.
                log.error("Step Functions refused the resume; outcome kept, redrive stopped", extra={"refusal": _refusal(e)})
                self._finish("REFUSED", refusal=_refusal(e))
                return ACCEPTED
            log.warning("Step Functions unavailable; outcome kept for redrive", extra={"error": _code(e)})
            self._note_unanswered(attempts)
            return ACCEPTED
        except BotoCoreError as e:
            log.warning("Step Functions unavailable; outcome kept for redrive", extra={"error": repr(e)})
            self._note_unanswered(attempts)
            return ACCEPTED
        return self._resumed(outcome)

    def _note_unanswered(self, attempts: _Attempts) -> None:
        """The resume may have reached Step Functions unanswered: note it on the mapping
        (`resume_unanswered_at`), so the redrive that later finds the token closed takes it as
        resumed, not EXPIRED. Best effort, and only while the mapping is still ACCEPTED."""
        if not attempts.unanswered:
            return
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key={"callback_token": {"S": self._callback_token}},
                UpdateExpression="SET resume_unanswered_at = :at",
                ConditionExpression="#status = :accepted",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":at": {"S": p.iso_seconds(p.now())}, ":accepted": {"S": p.ACCEPTED}},
            )
        except ClientError as e:
            if _code(e) != "ConditionalCheckFailedException":
                log.warning("Could not note the unanswered resume", extra={"error": _code(e)})
        except BotoCoreError as e:
            log.warning("Could not note the unanswered resume", extra={"error": repr(e)})

    def _resumed(self, outcome: Dict[str, str]) -> str:
        self._finish("COMPLETED" if outcome["outcome"] == "success" else "FAILED")
        return RESUMED

    def _taken_unconfirmed(self, task_token: str, reason: str) -> None:
        """A SendTaskSuccess/Failure of this report may have taken effect, and its retry found the token closed.

        Only this report can have closed it (the claim lets one resumer through; a TASK_TOKEN is this
        worker's alone), so the workflow was resumed once with this outcome — or the task timed out in
        those same seconds and the workflow's own timeout settled it. Never a second resume: Step
        Functions refuses every later call.
        """
        log.warning(
            "Step Functions answer was lost; the retry found the token closed: taken as resumed",
            extra={"job_id": self.job_id, "task_token": p.fingerprint(task_token), "reason": reason,
                   "metric": "CallbacksResumeUnconfirmed"},
        )

    def _send(self, task_token: str, outcome: Dict[str, str]) -> None:
        if outcome["outcome"] == "success":
            self._sfn.send_task_success(taskToken=task_token, output=outcome["output"])
            log.info("Sent TaskSuccess for job", extra={"job_id": self.job_id})
        else:
            self._sfn.send_task_failure(taskToken=task_token, error=outcome["error"], cause=outcome["cause"])
            log.info("Sent TaskFailure for job", extra={"job_id": self.job_id, "error": outcome["error"]})

    def _finish(self, status: str, gone_reason: Optional[str] = None, refusal: Optional[str] = None) -> bool:
        values: Dict[str, Any] = {":final": {"S": status}, ":accepted": {"S": p.ACCEPTED}, ":at": {"S": p.iso_seconds(p.now())}}
        extra = ""
        if gone_reason is not None:
            values[":reason"] = {"S": gone_reason}
            extra += ", gone_reason = :reason"
        if refusal is not None:
            values[":refusal"] = {"S": refusal}
            extra += ", refusal = :refusal"
        try:
            self._dynamodb.update_item(
                TableName=self._table,
                Key={"callback_token": {"S": self._callback_token}},
                UpdateExpression=f"SET #status = :final, completed_at = :at{extra} REMOVE redrive_pk, lease_until",
                ConditionExpression="#status = :accepted",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
        except ClientError as e:
            # Harmless: another resumer recorded it first, or TTL removed it. Step Functions has answered.
            if _code(e) != "ConditionalCheckFailedException":
                raise
            log.warning("Callback final state already recorded elsewhere")
            return False
        return True

    def _hold(self) -> None:
        """Heartbeat until the redrive has resumed the task, so it does not time out meanwhile (at most hold_seconds)."""
        deadline = time.monotonic() + self._hold_seconds
        while time.monotonic() < deadline:
            try:
                if self.heartbeat() == ALREADY_REPORTED:
                    return
            except (CallbackNotFound, WorkflowGone):
                return
            except (ClientError, BotoCoreError) as fault:
                log.warning("Heartbeat failed; will try again", extra={"error": repr(fault)})
            self._pause.wait(min(self.heartbeat_seconds, max(0.0, deadline - time.monotonic())))

    # ---- heartbeats ----

    def heartbeat(self) -> str:
        """One SendTaskHeartbeat: 'Sent', 'Missed' (Step Functions unreachable; try again) or 'AlreadyReported'.

        Raises WorkflowGone when Step Functions no longer waits, CallbackNotFound for a mapping that
        is not a worker's (the task token is read from the table each beat, never kept).
        """
        if self._task_token is not None:
            return self._beat(self._task_token)
        item = self._read()
        if not p.reportable_through_worker(item):
            raise CallbackNotFound(p.fingerprint(self._callback_token or ""))
        status = item["status"]["S"]  # type: ignore[index]
        if status == "ABANDONED":
            # Given up (the execution ended, or its task was found gone): stop working, not just beating.
            raise WorkflowGone(item.get("gone_reason", {}).get("S", status))  # type: ignore[union-attr]
        # ACCEPTED still beats: the outcome is stored but Step Functions not resumed yet.
        if status in p.FINAL_STATUSES:
            return ALREADY_REPORTED
        try:
            return self._beat(item["task_token"]["S"])  # type: ignore[index]
        except WorkflowGone:
            # A report may have claimed the mapping and resumed the task between the read and the beat:
            # the work is reported, which is not "gone".
            now = self._read()
            if now is not None and now["status"]["S"] in p.IN_PROGRESS + p.FINISHED:
                return ALREADY_REPORTED
            raise

    def _beat(self, task_token: str) -> str:
        try:
            self._sfn.send_task_heartbeat(taskToken=task_token)
        except ClientError as e:
            if _code(e) in p.GONE_ERRORS:
                raise WorkflowGone(_code(e)) from e
            if not _passing(e):
                # Our permissions, not the task: the work goes on, someone must fix the role.
                log.error("Heartbeat refused by Step Functions", extra={"refusal": _refusal(e)})
            else:
                log.warning("Heartbeat not delivered; will try again", extra={"error": _code(e)})
            return MISSED
        except BotoCoreError as e:
            log.warning("Heartbeat not delivered; will try again", extra={"error": repr(e)})
            return MISSED
        return SENT

    def start_heartbeat(
        self, interval_seconds: Optional[float] = None, on_gone: Optional[Callable[[WorkflowGone], None]] = None
    ) -> "Heartbeat":
        """Heartbeats on a daemon thread, now and every interval, until stopped. Use as a context manager.

        When Step Functions no longer waits, `on_gone` is called; without one (and unless
        WORKER_STOP_HOST_WHEN_GONE=false) the process gets SIGINT: the work stops with KeyboardInterrupt,
        the process exits and the bootstrap's exit trap powers the instance off — no paid compute
        outlives its workflow.
        """
        beat = Heartbeat(self, self.heartbeat_seconds if interval_seconds is None else interval_seconds, on_gone)
        beat.start()
        return beat


class Heartbeat:
    """A heartbeat loop on its own thread. `gone` is set when Step Functions stops waiting: stop working."""

    def __init__(self, worker: Worker, interval_seconds: float, on_gone: Optional[Callable[[WorkflowGone], None]]) -> None:
        self.gone = threading.Event()
        self._worker = worker
        self._interval = interval_seconds
        self._on_gone = on_gone
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="baton-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stops beating and waits for a beat in flight."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()

    def __enter__(self) -> "Heartbeat":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._worker.heartbeat() == ALREADY_REPORTED:
                    return
            except (WorkflowGone, CallbackNotFound) as gone:
                log.warning("Task no longer waits; stopping heartbeats", extra={"reason": type(gone).__name__})
                self.gone.set()
                if self._on_gone is not None:
                    self._on_gone(gone if isinstance(gone, WorkflowGone) else WorkflowGone("CallbackNotFound"))
                elif self._worker.stop_when_gone:
                    os.kill(os.getpid(), signal.SIGINT)
                return
            except Exception as fault:  # one lost beat must not end an hour of rendering
                log.warning("Heartbeat failed; will try again", extra={"error": repr(fault)})
            self._stop.wait(self._interval)
