# The seed's src/renderer/main.py, reporting through Baton's callbacks table with baton_worker:
# heartbeats while it renders, then exactly one report. No task token on the instance.
import os

import baton_worker

from src.renderer.video import render_video

job_id = os.environ["JOB_ID"]
try:
    with baton_worker.start_heartbeat():
        video_key = render_video(job_id)
    baton_worker.report_success({"job_id": job_id, "status": "completed", "video_key": video_key})
except Exception as e:
    baton_worker.report_failure("RenderError", str(e))
