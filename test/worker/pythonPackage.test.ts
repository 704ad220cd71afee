import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describePython, PYTHON, PYTHON_PACKAGE_DIR } from '../support/python.js';

/** The bootstrap pip-installs workers/python into a venv without system site-packages: it must be a real package. */
describePython('workers/python as a package', () => {
  it('is pip-installable from workers/python (pyproject.toml) and imports outside the source tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-worker-'));
    try {
      cpSync(PYTHON_PACKAGE_DIR, join(dir, 'src'), { recursive: true, filter: (p) => !p.includes('__pycache__') });
      // boto3 comes from Debian here (no index offline); on an instance pip installs it from the requirement.
      execFileSync(PYTHON, ['-m', 'venv', '--system-site-packages', join(dir, 'venv')]);
      execFileSync(join(dir, 'venv/bin/pip'), ['install', '--quiet', '--no-deps', '--no-build-isolation', join(dir, 'src')], {
        env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INDEX: '1' },
      });
      const where = execFileSync(join(dir, 'venv/bin/python'), ['-c', 'import baton_worker; print(baton_worker.__file__)'], { cwd: dir });
      expect(where.toString()).toContain(join(dir, 'venv/lib'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

});
