// @ts-check
// Lint is part of `npm test` (`npm run lint`). Type-aware: the rules below need the type checker,
// which typescript-eslint's project service gets from the nearest tsconfig.json of each file.
import tseslint from 'typescript-eslint';
import { noIgnoredResult } from './lint/noIgnoredResult.js';

const TEST_FILES = ['test/**/*.ts', 'deploy/test/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'deploy/cdk.out/**', 'coverage/**', '.sim/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
      baton: { rules: { 'no-ignored-result': noIgnoredResult } },
    },
    rules: {
      // A Result's Err is an expected failure: dropping it hides the failure (see ARCHITECTURE.md).
      'baton/no-ignored-result': 'error',
      // A promise nobody awaits fails where nobody looks (and Lambda may freeze before it runs).
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a sync one is expected (forEach, an event listener, a boolean test).
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Production code reads a Result's error as a value; `_unsafeUnwrap` throws it as an exception.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name=/^_unsafeUnwrap(Err)?$/]",
          message: '_unsafeUnwrap/_unsafeUnwrapErr only in tests: handle the Err (match, isErr, yield* in safeTry).',
        },
        // `never` as an error type only where nothing can fail (see ARCHITECTURE.md, Composition):
        // a step whose only failure is an unknown fault returns a Promise, and the fault throws.
        {
          selector: 'TSTypeReference[typeName.name=/^(Result|ResultAsync)$/] > TSTypeParameterInstantiation > TSNeverKeyword:nth-child(2)',
          message: 'A Result whose error is `never` says it cannot fail: return the value, or a Promise of it when only an unknown fault can stop it (the fault throws).',
        },
        {
          selector: 'CallExpression[callee.name=/^(ok|okAsync)$/] > TSTypeParameterInstantiation > TSNeverKeyword:nth-child(2)',
          message: 'A Result whose error is `never` says it cannot fail: return the value, or a Promise of it.',
        },
        {
          selector: "MemberExpression[object.name='ResultAsync'][property.name='fromSafePromise']",
          message: 'fromSafePromise turns a promise that can reject into a Result that "cannot fail": await the promise (a fault throws), or use ResultAsync.fromPromise with a named error.',
        },
      ],
    },
  },
  {
    files: TEST_FILES,
    rules: { 'no-restricted-syntax': 'off' },
  },
);
