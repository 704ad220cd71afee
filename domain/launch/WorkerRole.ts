/** The two EC2 workers of the manga pipeline (seed 003): one renders the video, one uploads it. */
export type WorkerRole = 'renderer' | 'uploader';

export const WORKER_ROLES: readonly WorkerRole[] = ['renderer', 'uploader'];

/** The seed's defaults: a compute-optimised instance renders, a small burstable one uploads. */
export const DEFAULT_INSTANCE_TYPE: Readonly<Record<WorkerRole, string>> = {
  renderer: 'c5.2xlarge',
  uploader: 't3.medium',
};

/** The Python module the worker runs (`python -m src.renderer.main`). */
export const WORKER_MODULE: Readonly<Record<WorkerRole, string>> = {
  renderer: 'src.renderer.main',
  uploader: 'src.uploader.main',
};

/** The error name the seed's worker reports for an unexpected exception. */
export const DEFAULT_ERROR_NAME: Readonly<Record<WorkerRole, string>> = {
  renderer: 'RenderError',
  uploader: 'UploadError',
};
