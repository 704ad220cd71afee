import { readQuotedWord, shellQuote } from './shellQuote.js';
import { WORKER_MODULE, type WorkerRole } from './WorkerRole.js';

/** Ordered `[NAME, value]` pairs; names are ours (constants), values may be anything but NUL. */
export type WorkerEnvironment = readonly (readonly [string, string])[];

/** Ends the part of the script that sets variables; nothing above it runs a command. */
export const END_OF_ENVIRONMENT = '# ---- end of environment ----';

const NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * The first-boot script of a worker: the seed's steps (set `JOB_ID` and the credential, clone
 * the repository, create a venv, install Baton's Python client when `WORKER_PYTHON_PACKAGE` is set
 * and the dependencies, run `WORKER_COMMAND`, by default `python -m src.<role>.main`).
 *
 * Input values appear only in the `export NAME='…'` lines at the top, each single-quoted by
 * {@link shellQuote}; the commands below refer to them as quoted expansions (`"$WORK_DIR"`),
 * so no value can become code, an option, or a second word.
 *
 * @example
 * userDataScript('renderer', [['JOB_ID', 'job-abc123'], ['WORK_DIR', '/opt/app']], { shutdownWhenDone: true });
 */
export function userDataScript(
  role: WorkerRole,
  env: WorkerEnvironment,
  options: { readonly shutdownWhenDone: boolean },
): string {
  for (const [name] of env) {
    if (!NAME.test(name)) throw new Error(`not a shell variable name: ${name}`);
  }
  const names = new Set(env.map(([name]) => name));
  const lines = [
    '#!/bin/bash',
    `# Baton ${role} worker bootstrap. Generated: every value is single-quoted; do not edit by hand.`,
    'set -euo pipefail',
    ...env.map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    END_OF_ENVIRONMENT,
    'exec >>/var/log/baton-worker.log 2>&1',
    // A one-time Spot instance that powers off is terminated: nothing is left running (or billed)
    // whether the worker succeeds, fails or the bootstrap itself breaks.
    ...(options.shutdownWhenDone ? ["trap 'shutdown -h now' EXIT"] : []),
    ...(names.has('REPOSITORY_URL') ? cloneLines(names.has('REPOSITORY_REF')) : []),
    'cd "$WORK_DIR"',
    'python3 -m venv .venv',
    '. .venv/bin/activate',
    ...(names.has('WORKER_PYTHON_PACKAGE') ? ['pip install --quiet "$WORKER_PYTHON_PACKAGE"'] : []),
    'if [ -f requirements.txt ]; then pip install --quiet -r requirements.txt; fi',
    // The command is configuration, not input: it runs as written, read from its quoted variable.
    names.has('WORKER_COMMAND') ? 'bash -c "$WORKER_COMMAND"' : `python -m ${WORKER_MODULE[role]}`,
  ];
  return `${lines.join('\n')}\n`;
}

function cloneLines(withRef: boolean): string[] {
  const ref = withRef ? ' --branch "$REPOSITORY_REF"' : '';
  return [`git clone --quiet --depth 1${ref} -- "$REPOSITORY_URL" "$WORK_DIR"`];
}

/**
 * Reads back the variables a script made by {@link userDataScript} sets, without a shell:
 * the in-memory Spot adapter "boots" a worker with them. Stops at {@link END_OF_ENVIRONMENT}.
 */
export function readWorkerEnvironment(script: string): Map<string, string> {
  const env = new Map<string, string>();
  // The last marker is the real one: values above it may contain the marker text themselves.
  const end = script.lastIndexOf(`\n${END_OF_ENVIRONMENT}\n`);
  const head = end < 0 ? script : script.slice(0, end + 1);
  let i = 0;
  while (i < head.length) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=/.exec(head.slice(i, i + 200));
    if (match) {
      const word = readQuotedWord(head, i + match[0].length);
      if (word && head[word.end] === '\n') {
        env.set(match[1]!, word.value);
        i = word.end + 1;
        continue;
      }
    }
    const next = head.indexOf('\n', i);
    i = next < 0 ? head.length : next + 1;
  }
  return env;
}
