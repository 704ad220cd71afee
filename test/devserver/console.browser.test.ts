import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerGroups } from '../../simulation/devserver/devServerGroups.js';
import { DEFAULT_FAULTS } from '../../simulation/FaultRates.js';
import { renderHtmlReport } from '../../simulation/report/htmlReport.js';
import { runSimulation } from '../../simulation/runSimulation.js';
import { SCENARIOS } from '../../simulation/scenarios/catalog.js';
import { startDevServer, type RunningDevServer } from '../../simulation/devserver/startDevServer.js';
import { Chromium, findChromium } from './support/chromium.js';
import { decodePng, inkCoverage } from './support/png.js';

const chromiumPath = findChromium();
// Locally a missing browser skips these tests; under CI it is a failure (npm test installs it as root).
const run = chromiumPath !== undefined || process.env.CI === 'true';

/** Where to keep the screenshots for a person to look at (BATON_SCREENSHOT_DIR), if anywhere. */
async function keep(name: string, png: Buffer): Promise<void> {
  const dir = process.env.BATON_SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), png);
}

function expectRendered(png: Buffer): void {
  const image = decodePng(png);
  const { colours, inked } = inkCoverage(image);
  expect(image.width).toBeGreaterThan(0);
  expect(colours).toBeGreaterThan(8);
  expect(inked).toBeGreaterThan(0.02);
}

describe.runIf(run)('the dev console in headless Chromium', () => {
  let server: RunningDevServer;
  let browser: Chromium;

  beforeAll(async () => {
    if (!chromiumPath) throw new Error('chromium is missing: install the Debian package (npm test does, as root)');
    server = await startDevServer({ port: 0, write: () => undefined, tickSeconds: 0, groups: devServerGroups() });
    browser = await Chromium.launch(chromiumPath, { width: 1280, height: 900 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Tabs forward until the element matching `selector` has focus; at most `limit` presses. */
  async function tabTo(selector: string, limit = 80): Promise<void> {
    for (let i = 0; i < limit; i++) {
      if (await browser.evaluate<boolean>(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
      await browser.press('Tab');
    }
    throw new Error(`${selector} never took focus in ${limit} Tab presses`);
  }

  it('starts a RunPod submission and delivers its webhook from the keyboard; the execution turns succeeded', async () => {
    await browser.goto(`${server.url}/`);
    await browser.waitFor(`document.getElementById('live').textContent === 'live'`, 'the live stream');

    await tabTo('#start-runpod');
    await browser.press('Enter');
    await browser.waitFor(`document.querySelector('#executions [data-action="deliver"]')`, 'the new execution');
    await tabTo('#executions [data-action="deliver"]');
    await browser.press('Enter');
    await browser.waitFor(`document.querySelector('#executions .badge')?.textContent === 'succeeded'`, 'the execution to succeed');

    const story = await browser.evaluate<string[]>(`[...document.querySelectorAll('#executions .timeline strong')].map((e) => e.textContent)`);
    expect(story).toEqual(expect.arrayContaining(['PENDING', 'ACCEPTED', 'COMPLETED']));
    // The live state can show `succeeded` before the page's own fetch of the webhook has resolved
    // and been written to the activity list: wait for that too.
    await browser.waitFor(`/POST \\/webhook\\/[0-9a-f]{64}/.test(document.getElementById('activity').textContent)`, 'the webhook call in the activity list');
    const activity = await browser.evaluate<string>(`document.getElementById('activity').textContent`);
    expect(activity).toContain('POST /dev/runpod-jobs');
    expect(activity).toMatch(/POST \/webhook\/[0-9a-f]{64}/);
    const headings = await browser.evaluate<string[]>(`[...document.querySelectorAll('h1, h2')].map((h) => h.textContent)`);
    expect(headings).toEqual(['Baton dev console', 'Actions', 'Executions', 'Jobs', 'Queues', 'ECS dispatches', 'Daily quota', 'Activity', 'HTTP API']);
    const png = await browser.screenshot();
    await keep('console.png', png);
    expectRendered(png);
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);

  it('fits a narrow window: nothing wider than 360 px', async () => {
    await browser.viewport(360, 800);
    await browser.goto(`${server.url}/`);
    await browser.waitFor(`document.querySelector('#executions .badge')`, 'the executions');

    const overflow = await browser.evaluate<number>(`document.documentElement.scrollWidth - window.innerWidth`);
    const png = await browser.screenshot();
    await keep('console-narrow.png', png);
    await keep('console-narrow-top.png', await browser.screenshot({ fullPage: false }));

    expect(overflow).toBeLessThanOrEqual(0);
    expectRendered(png);
  }, 60_000);

  it('renders the HTML simulation report: headings, every plot drawn, nothing fetched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-report-'));
    try {
      const file = join(dir, 'report.html');
      await writeFile(file, renderHtmlReport(await runSimulation({ jobs: 150, seed: 5, faults: DEFAULT_FAULTS, scenarios: SCENARIOS })));
      await browser.viewport(1100, 900);
      await browser.goto(pathToFileURL(file).href);

      const headings = await browser.evaluate<string[]>(`[...document.querySelectorAll('h1, h2')].map((h) => h.textContent)`);
      const drawn = await browser.evaluate<number[]>(`[...document.querySelectorAll('svg.chart')].map((s) => s.getBoundingClientRect().width * s.getBoundingClientRect().height)`);
      const resources = await browser.evaluate<number>(`performance.getEntriesByType('resource').length`);
      const png = await browser.screenshot();
      await keep('report.png', png);

      expect(headings).toEqual(['Baton simulation report', 'Invariants', 'Systems', 'Callbacks by path', 'Events over simulated time', 'DynamoDB writes per partition key', 'Handler latency']);
      expect(drawn.length).toBeGreaterThan(10);
      expect(drawn.every((area) => area > 1000)).toBe(true);
      expect(resources).toBe(0);
      expectRendered(png);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
