import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Debian's `chromium` (or CHROMIUM_PATH), if this machine has one. */
export function findChromium(): string | undefined {
  // A path given is the only one tried: CI can name its browser, and a test can name none.
  if (process.env.CHROMIUM_PATH !== undefined) return executable(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).flatMap((dir) => (dir ? [join(dir, 'chromium'), join(dir, 'chromium-browser')] : [])),
    '/usr/bin/chromium',
  ];
  return candidates.find(executable);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket; Node 22 has one built in):
 * one page, enough commands to load it, type, press keys, read the DOM and take screenshots.
 */
export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: { method: string; resolve: (params: Record<string, unknown>) => void }[] = [];
  /** Console errors and uncaught exceptions of the page: a test asserts there are none. */
  readonly pageErrors: string[] = [];

  private constructor(
    private readonly process: ChildProcess,
    private readonly socket: WebSocket,
    private readonly profile: string,
    private sessionId = '',
  ) {
    socket.addEventListener('message', (event) => this.onMessage(String(event.data)));
  }

  static async launch(path: string, options: { width?: number; height?: number; timeoutMs?: number } = {}): Promise<Chromium> {
    const profile = await mkdtemp(join(tmpdir(), 'baton-chromium-'));
    const child = spawn(
      path,
      [
        '--headless',
        '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start.
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-extensions',
        '--remote-debugging-port=0',
        `--user-data-dir=${profile}`,
        `--window-size=${options.width ?? 1280},${options.height ?? 900}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const endpoint = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start within ${options.timeoutMs ?? 60_000} ms:\n${stderr}`)), options.timeoutMs ?? 60_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}) before it listened:\n${stderr}`));
      });
    });
    const socket = new WebSocket(endpoint);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot connect to ${endpoint}`)), { once: true });
    });
    const browser = new Chromium(child, socket, profile);
    const { targetId } = await browser.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await browser.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    browser.sessionId = sessionId;
    await browser.send('Page.enable');
    await browser.send('Runtime.enable');
    await browser.send('Log.enable');
    return browser;
  }

  /** One DevTools command on the page's session (browser-level before it is attached). */
  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const message = { id, method, params, ...(this.sessionId ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify(message));
    });
  }

  async goto(url: string): Promise<void> {
    const loaded = this.next('Page.loadEventFired');
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send<{
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (result.exceptionDetails) throw new Error(`in the page: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
    return result.result.value as T;
  }

  /**
   * Resolves once `condition` (a JS expression) is truthy in the page, re-checked on every DOM
   * change (a MutationObserver, not a timer); fails after `timeoutMs` with `what`.
   */
  async waitFor(condition: string, what: string, timeoutMs = 20_000): Promise<void> {
    const met = await this.evaluate<boolean>(`new Promise((resolve) => {
      const check = () => { try { return Boolean(${condition}); } catch { return false; } };
      if (check()) return resolve(true);
      const timer = setTimeout(() => { observer.disconnect(); resolve(false); }, ${timeoutMs});
      const observer = new MutationObserver(() => {
        if (check()) { clearTimeout(timer); observer.disconnect(); resolve(true); }
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    })`);
    if (!met) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  /** Presses a key as a person would (keydown, the character for Enter, keyup). */
  async press(key: 'Tab' | 'Enter' | 'Space', options: { shift?: boolean } = {}): Promise<void> {
    const codes = { Tab: 9, Enter: 13, Space: 32 } as const;
    const base = {
      key: key === 'Space' ? ' ' : key,
      code: key,
      windowsVirtualKeyCode: codes[key],
      modifiers: options.shift ? 8 : 0,
    };
    await this.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...base });
    if (key !== 'Tab') await this.send('Input.dispatchKeyEvent', { type: 'char', ...base, text: key === 'Enter' ? '\r' : ' ' });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  async viewport(width: number, height: number): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
  }

  /** A PNG of the whole page (beyond the viewport), or of the viewport alone. */
  async screenshot(options: { fullPage?: boolean } = {}): Promise<Buffer> {
    const { data } = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: options.fullPage ?? true });
    return Buffer.from(data, 'base64');
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    try {
      this.sessionId = '';
      await Promise.race([this.send('Browser.close'), exited]);
    } catch {
      // already going
    }
    this.socket.close();
    if (this.process.exitCode === null) this.process.kill('SIGKILL');
    await exited;
    await rm(this.profile, { recursive: true, force: true });
  }

  private next(method: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  private onMessage(raw: string): void {
    const message = JSON.parse(raw) as {
      id?: number;
      result?: Record<string, unknown>;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error.message));
      else pending?.resolve(message.result ?? {});
      return;
    }
    if (message.method === 'Runtime.exceptionThrown') {
      const details = message.params?.exceptionDetails as { exception?: { description?: string }; text?: string } | undefined;
      this.pageErrors.push(details?.exception?.description ?? details?.text ?? 'exception');
    }
    if (message.method === 'Runtime.consoleAPICalled' && message.params?.type === 'error') {
      this.pageErrors.push(JSON.stringify(message.params.args));
    }
    if (message.method === 'Log.entryAdded') {
      const entry = message.params?.entry as { level?: string; text?: string; url?: string } | undefined;
      if (entry?.level === 'error') this.pageErrors.push(`${entry.text ?? ''} ${entry.url ?? ''}`.trim());
    }
    const index = this.waiters.findIndex((w) => w.method === message.method);
    if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message.params ?? {});
  }
}
