"""Stands in for the seed's rendering (ffmpeg over the job's panels and audio in S3)."""
import os


def render_video(job_id: str) -> str:
    failure = os.environ.get("EXAMPLE_RENDER_FAILURE")
    if failure:
        raise RuntimeError(failure)
    return f"runs/{job_id}/video.mp4"
