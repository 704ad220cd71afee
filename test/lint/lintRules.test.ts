import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Every rule `npm run lint` relies on, shown to fire on a planted violation and to stay quiet on the
// code it must allow. The snippets are linted as if they lived at `filePath`, with the project's
// own eslint.config.js and type information (a rule that cannot fail is a defect).
// The planted files exist only in memory, so the project service opens them as "default project"
// files, type-checked with the project's own tsconfig.json.
const PLANTED = ['application/__planted__/*.ts', 'simulation/__planted__/*.ts', 'scripts/__planted__/*.ts', 'examples/__planted__/*.ts', 'test/__planted__/*.ts'];
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: PLANTED, defaultProject: 'tsconfig.json' } } },
  },
});

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result!.messages;
  const fatal = messages.find((m) => m.fatal);
  if (fatal) throw new Error(`planted snippet did not parse: ${fatal.message}`);
  return messages.map((m) => m.ruleId ?? '(none)');
}

// The first lint builds the TypeScript program for the whole tsconfig (~25 s of CPU, far more on a
// loaded machine): pay it once here, not inside whichever test happens to run first.
beforeAll(async () => {
  await eslint.lintText('export const warm = 1;\n', { filePath: 'application/__planted__/Warm.ts' });
}, 300_000);

const PROLOGUE = `
import { ok, err, okAsync, errAsync, safeTry, type Result, type ResultAsync } from 'neverthrow';
declare function check(): Result<number, { type: 'Refused' }>;
declare function save(): ResultAsync<number, { type: 'Taken' }>;
declare function consume(r: Result<number, unknown>): void;
declare function load(): Promise<number>;
`;
/** The same, with ResultAsync imported as a value (for its static methods). */
const VALUE_PROLOGUE = PROLOGUE.replace('type ResultAsync', 'ResultAsync');
const APP = 'application/__planted__/Planted.ts';
const TEST = 'test/__planted__/planted.test.ts';

describe('baton/no-ignored-result', () => {
  it.each([
    ['a sync Result as a statement', 'export function f(): void { check(); }'],
    ['an awaited ResultAsync dropped', 'export async function f(): Promise<void> { await save(); }'],
    ['a ResultAsync dropped with void', 'export function f(): void { void save(); }'],
    ['a mapped Result dropped', 'export function f(): void { check().map((n) => n + 1); }'],
    ['awaited Results dropped in a tuple', 'export async function f(): Promise<void> { await Promise.all([save(), save()]); }'],
    ['a Result dropped on one side of a conditional', 'export function f(b: boolean): void { b && check(); }'],
  ])('fires on %s', async (_name, body) => {
    expect(await ruleIds(APP, PROLOGUE + body)).toContain('baton/no-ignored-result');
  });

  it('fires in tests too: a dropped Result in Arrange hides a set-up that failed', async () => {
    expect(await ruleIds(TEST, PROLOGUE + 'export async function arrange(): Promise<void> { await save(); }')).toContain('baton/no-ignored-result');
  });

  it.each([
    ['returned', 'export function f(): Result<number, unknown> { return check().map((n) => n + 1); }'],
    ['yielded in safeTry', 'export function f() { return safeTry(async function* () { const a = yield* check(); const b = yield* save(); return ok(a + b); }); }'],
    ['checked', 'export async function f(): Promise<number> { const r = await save(); return r.isErr() ? 0 : r.value; }'],
    ['passed on', 'export function f(): void { consume(check()); }'],
    ['matched', 'export async function f(): Promise<void> { await save().match(() => undefined, () => undefined); }'],
    ['a plain awaited promise', 'export async function f(): Promise<void> { await load(); }'],
    ['constants', 'export const a = err(1); export const b = okAsync(1); export const c = errAsync(2);'],
  ])('allows a Result %s', async (_name, body) => {
    expect(await ruleIds(APP, PROLOGUE + body)).toEqual([]);
  });

  it('allows dropping a Result that cannot fail (error type never; such a type is only declared in tests)', async () => {
    const code = PROLOGUE + 'declare function cannotFail(): ResultAsync<void, never>;\nexport async function f(): Promise<void> { await cannotFail(); }';
    expect(await ruleIds(TEST, code)).toEqual([]);
  });
});

describe('`never` as an error type only where nothing can fail (no-restricted-syntax)', () => {
  it.each([
    ['a port method typed ResultAsync<T, never>', 'export interface Port { find(id: string): ResultAsync<number | undefined, never>; }'],
    ['a function typed Result<T, never>', 'export function f(): Result<number, never> { return ok(1); }'],
    ['a never error in a nested position', 'export type Later = Promise<ResultAsync<void, never>>;'],
    ['okAsync told its error is never', 'export const r = okAsync<number, never>(1);'],
    ['ResultAsync.fromSafePromise over a promise', 'export const r = ResultAsync.fromSafePromise(load());'],
  ])('bans %s', async (_name, body) => {
    expect(await ruleIds(APP, VALUE_PROLOGUE + body)).toContain('no-restricted-syntax');
  });

  it.each([
    ['a Promise port', 'export interface Port { find(id: string): Promise<number | undefined>; }'],
    ['a Result with a named error', "export function f(): Result<number, { type: 'Refused' }> { return check(); }"],
    ['never as the success type (a step that only fails)', "export function f(): Result<never, { type: 'Refused' }> { return err({ type: 'Refused' as const }); }"],
    ['ResultAsync.fromPromise with a named error', "export const r = ResultAsync.fromPromise(load(), () => ({ type: 'Lost' as const }));"],
  ])('allows %s', async (_name, body) => {
    expect(await ruleIds(APP, VALUE_PROLOGUE + body)).toEqual([]);
  });
});

describe('_unsafeUnwrap outside tests (no-restricted-syntax)', () => {
  it.each(['_unsafeUnwrap', '_unsafeUnwrapErr'])('bans %s in production code', async (method) => {
    expect(await ruleIds(APP, PROLOGUE + `export const v = check().${method}();`)).toEqual(['no-restricted-syntax']);
  });

  it('bans it in the simulation, scripts and examples as well', async () => {
    for (const filePath of ['simulation/__planted__/Planted.ts', 'scripts/__planted__/planted.ts', 'examples/__planted__/planted.ts']) {
      expect(await ruleIds(filePath, PROLOGUE + 'export const v = check()._unsafeUnwrap();')).toEqual(['no-restricted-syntax']);
    }
  });

  it('allows it in tests', async () => {
    expect(await ruleIds(TEST, PROLOGUE + 'export const v = check()._unsafeUnwrap();')).toEqual([]);
  });
});

describe('promises', () => {
  it('fires on a floating promise (no-floating-promises)', async () => {
    expect(await ruleIds(APP, PROLOGUE + 'export function f(): void { load(); }')).toEqual(['@typescript-eslint/no-floating-promises']);
  });

  it('fires on an async callback where a void one is expected (no-misused-promises)', async () => {
    expect(await ruleIds(APP, PROLOGUE + 'export function f(xs: number[]): void { xs.forEach(async () => { await load(); }); }')).toEqual([
      '@typescript-eslint/no-misused-promises',
    ]);
  });

  it('fires on awaiting what is not a promise (await-thenable)', async () => {
    expect(await ruleIds(APP, PROLOGUE + 'export async function f(): Promise<number> { return await 1; }')).toEqual(['@typescript-eslint/await-thenable']);
  });
});

describe('disable comments', () => {
  it('reports one that no longer disables anything', async () => {
    const code = PROLOGUE + '// eslint-disable-next-line baton/no-ignored-result -- stale\nexport const n = 1;';
    expect(await ruleIds(APP, code)).toEqual(['(none)']);
  });
});
