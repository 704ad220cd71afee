"""Drives baton_worker for the vitest suites: one JSON command in argv[1], one JSON answer on stdout.

The worker is built from the environment exactly as on an instance (Worker.from_environment), so
the tests exercise the same path as the seed's `python -m src.renderer.main`.
"""
import json
import os
import logging
import sys
import time

import boto3
from botocore.config import Config

import baton_worker
from baton_worker import _protocol


def answer(call):
    try:
        return {"answer": call()}
    except baton_worker.WorkflowGone as gone:
        return {"raised": "WorkflowGone", "reason": gone.reason}
    except baton_worker.CallbackNotFound:
        return {"raised": "CallbackNotFound"}
    except baton_worker.StepFunctionsUnavailable:
        return {"raised": "StepFunctionsUnavailable"}


def main():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    # The command comes on stdin (it can be larger than an argv entry may be), one JSON line.
    command = json.loads(sys.stdin.readline())
    if command.get("action") == "outcomes":
        print(json.dumps({"success": [_protocol.success_outcome(p) for p in command["payloads"]],
                          "failure": [_protocol.failure_outcome(e, c) for e, c in command["failures"]]}))
        return
    if command.get("action") == "shards":
        tokens = command["tokens"]
        print(json.dumps({"fnv1a32": [_protocol.fnv1a32(t) for t in tokens],
                          "partitions": {str(n): [_protocol.redrive_partition(t, n) for t in tokens] for n in command["counts"]}}))
        return
    options = dict(command.get("options", {}))
    attempts = options.pop("sfn_max_attempts", None)
    read_timeout = options.pop("sfn_read_timeout", None)
    if attempts is not None or read_timeout is not None:
        # The production config's shape, with fewer attempts or a shorter wait for an answer (a test's "late"),
        # for the Step Functions client only: DynamoDB Local keeps the production timeouts, so a slow
        # machine cannot make a conditional write look lost.
        config = Config(connect_timeout=2, read_timeout=read_timeout or 5,
                        retries={"max_attempts": attempts or 3, "mode": "standard"})
        endpoint = os.environ.get("AWS_ENDPOINT_URL_SFN") or os.environ.get("AWS_ENDPOINT_URL") or None
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        options["stepfunctions"] = boto3.session.Session(region_name=region).client("stepfunctions", endpoint_url=endpoint, config=config)
    worker = baton_worker.Worker.from_environment(**options)
    if command.get("wait_for_go"):
        # A barrier: every process is built and connected before any of them reports.
        print("ready", flush=True)
        sys.stdin.readline()
    steps = command.get("steps", [command])
    results = [run(worker, step) for step in steps]
    print(json.dumps(results if "steps" in command else results[0]), flush=True)


def run(worker, step):
    action = step["action"]
    if action == "report_success":
        return answer(lambda: worker.report_success(step["output"]))
    if action == "report_failure":
        return answer(lambda: worker.report_failure(step["error"], step["cause"]))
    if action == "heartbeat":
        return answer(worker.heartbeat)
    if action == "heartbeat_thread":
        # Beats until the job is reported elsewhere (the loop ends by itself) or the task is gone.
        beat = worker.start_heartbeat(interval_seconds=step["interval"])
        beat._thread.join(step.get("max_seconds", 20))
        return {"answer": "gone" if beat.gone.is_set() else "ended"}
    if action == "work_until_gone":
        # The seed's shape: work inside `with start_heartbeat()`; Step Functions gives up meanwhile.
        try:
            with worker.start_heartbeat(interval_seconds=step["interval"]):
                time.sleep(step.get("max_seconds", 20))
            return {"answer": "worked to the end"}
        except KeyboardInterrupt:
            return {"answer": "interrupted"}
    raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main()
