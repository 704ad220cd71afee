/**
 * npm run api:report — writes the API report of every subpath in package.json `exports` to
 * `api/<name>.api.md`: each exported name with its declaration as a consumer's TypeScript sees
 * it (from the built `.d.ts`, comments left out), and the packages the subpath loads at run time
 * and names in its types. The reports are committed; `test/package/apiReport.test.ts` fails when
 * the built library no longer matches them, so a change to the public surface is a visible diff.
 * Reads `dist/lib` (npm run build); one TypeScript program over our own declarations only
 * (packages are not resolved), so it takes about a second.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
export const REPORT_DIR = join(ROOT, 'api');

interface Entry {
  /** What a consumer imports: `baton`, `baton/aws`. */
  readonly specifier: string;
  readonly types: string;
  readonly js: string;
}

export function entries(root = ROOT): Entry[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types: string; import: string }>;
  };
  return Object.entries(pkg.exports).flatMap(([sub, target]) =>
    typeof target === 'string'
      ? []
      : [{ specifier: sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`, types: join(root, target.types), js: join(root, target.import) }],
  );
}

export const reportFile = (specifier: string) => join(REPORT_DIR, `${specifier.replace('/', '-')}.api.md`);

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/** Bare specifiers a module graph imports, followed through our relative imports (comments ignored). */
export function packagesOf(entry: string, declarations: boolean): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), declarations ? spec.replace(/\.js$/, '.d.ts') : spec));
      else if (!spec.startsWith('node:')) found.add(packageOf(spec));
    }
  };
  visit(entry);
  return [...found].sort();
}

/** Our declarations only: an import of a package resolves to nothing, which the report does not need. */
function program(files: readonly string[]): ts.Program {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noLib: true, types: [], noEmit: true };
  const host = ts.createCompilerHost(options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts) =>
    literals.map((literal) =>
      literal.text.startsWith('.') ? ts.resolveModuleName(literal.text, containingFile, opts, host, undefined, redirected) : { resolvedModule: undefined },
    );
  return ts.createProgram({ rootNames: files, options, host });
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

function declarationText(node: ts.Declaration, exportedAs: string): string {
  const file = node.getSourceFile();
  const text = ts.isVariableDeclaration(node)
    ? `${(node.parent.flags & ts.NodeFlags.Const) !== 0 ? 'const' : 'let'} ${printer.printNode(ts.EmitHint.Unspecified, node, file)};`
    : printer.printNode(ts.EmitHint.Unspecified, node, file);
  const name = ts.getNameOfDeclaration(node)?.getText(file);
  // Private members are the class's own business: a consumer can neither call nor see them.
  const body = text
    .replace(/^(export )?(declare )?/, '')
    .split('\n')
    .filter((line) => !/^\s+private /.test(line))
    .join('\n');
  const from = relative(join(ROOT, 'dist/lib'), file.fileName).replace(/\.d\.ts$/, '');
  const alias = name !== undefined && name !== exportedAs ? ` (exported as ${exportedAs})` : '';
  return `// ${from}${alias}\n${body}`;
}

/** The report of one entry, as committed under api/. */
export function report(entry: Entry, checker: ts.TypeChecker, source: ts.SourceFile): string {
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${entry.types} has no exports`);
  const exported = checker.getExportsOfModule(moduleSymbol).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const blocks = exported.map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declarations = target.declarations ?? [];
    if (declarations.length === 0) throw new Error(`${entry.specifier}: ${symbol.name} has no declaration`);
    return declarations.map((d) => declarationText(d, symbol.name)).join('\n');
  });
  const runtime = packagesOf(entry.js, false);
  const types = packagesOf(entry.types, true);
  return [
    `# API report: \`${entry.specifier}\``,
    '',
    '<!-- Generated by `npm run api:report` from the built declarations (dist/lib). Do not edit: a change here is a change to the public surface. -->',
    '',
    `- Exports: ${exported.length} names.`,
    `- Packages it loads at run time: ${runtime.length === 0 ? 'none' : runtime.map((p) => `\`${p}\``).join(', ')}.`,
    `- Packages its types name: ${types.length === 0 ? 'none' : types.map((p) => `\`${p}\``).join(', ')}.`,
    '',
    '```ts',
    blocks.join('\n\n'),
    '```',
    '',
  ].join('\n');
}

/** Every entry's report, from one program over the built declarations. */
export function apiReports(root = ROOT): Map<Entry, string> {
  const all = entries(root);
  const missing = all.filter((e) => !existsSync(e.types) || !existsSync(e.js));
  if (missing.length > 0) throw new Error(`not built: ${missing.map((e) => relative(root, e.types)).join(', ')} (run npm run build)`);
  const built = program(all.map((e) => e.types));
  const checker = built.getTypeChecker();
  return new Map(all.map((e) => [e, report(e, checker, built.getSourceFile(e.types)!)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(REPORT_DIR, { recursive: true });
  for (const [entry, text] of apiReports()) {
    const file = reportFile(entry.specifier);
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    writeFileSync(file, text);
    console.log(`${before === text ? 'unchanged' : 'written  '} ${relative(ROOT, file)}`);
  }
}
