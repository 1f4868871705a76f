/**
 * Packaging check (`npm run check:package`, after `npm run build`): every type that a published
 * declaration refers to is importable by the user. Walks the declarations reachable from the
 * entry points' exports (`logweave`, `logweave/express`, `logweave/fastify`) with the TypeScript
 * checker, and fails naming each type of logweave's own that is referenced but not exported, and
 * by what (`Logging.resolvedOptions → PrintableOptions`). Types from dependencies are theirs to export.
 * It also fails on any `any` in those declarations (the house rule: no `any` in public types).
 */
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist') + sep;
const ENTRIES = [
  'src/index.d.mts',
  'integrations/express/index.d.mts',
  'integrations/fastify/index.d.mts',
].map((entry) => join(DIST, entry));

const program = ts.createProgram(ENTRIES, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2023,
  types: ['node'],
  noEmit: true,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();

const resolve = (symbol: ts.Symbol): ts.Symbol =>
  symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
const isOurs = (symbol: ts.Symbol): boolean =>
  (symbol.declarations ?? []).some((declaration) => declaration.getSourceFile().fileName.startsWith(DIST));

const exported = new Set<ts.Symbol>();
for (const entry of ENTRIES) {
  const file = program.getSourceFile(entry);
  const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) throw new Error(`cannot read ${entry}: run npm run build first`);
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) exported.add(resolve(symbol));
}

const missing = new Map<ts.Symbol, string>();
const anys: string[] = [];
const visited = new Set<ts.Symbol>();
const queue: Array<{ symbol: ts.Symbol; path: string }> = [...exported].map((symbol) => ({
  symbol,
  path: symbol.getName(),
}));

/**
 * The names a type in a declaration refers to: `Foo`, `ns.Foo`, `extends Foo`. Not `typeof foo`:
 * a value a type is derived from (`(typeof SEVERITY_NAMES)[number]`) is never named by the user.
 */
function referencedNames(node: ts.Node, found: ts.Node[]): void {
  if (ts.isTypeReferenceNode(node)) found.push(node.typeName);
  else if (ts.isExpressionWithTypeArguments(node)) found.push(node.expression);
  else if (ts.isTypeQueryNode(node)) return;
  // Private fields (`#private`) and members without a type say nothing about the surface.
  if (ts.isPrivateIdentifier((node as { name?: ts.Node }).name ?? node)) return;
  ts.forEachChild(node, (child) => referencedNames(child, found));
}

/** Where in the declaration a reference sits, for the report (`Logging.resolvedOptions`). */
function ownerPath(base: string, node: ts.Node, declaration: ts.Node): string {
  for (
    let current: ts.Node | undefined = node;
    current !== undefined && current !== declaration;
    current = current.parent
  ) {
    const name = ts.getNameOfDeclaration(current as ts.Declaration);
    if (
      name !== undefined &&
      (ts.isPropertySignature(current) ||
        ts.isPropertyDeclaration(current) ||
        ts.isMethodSignature(current) ||
        ts.isMethodDeclaration(current) ||
        ts.isParameter(current))
    ) {
      return `${base}.${name.getText()}`;
    }
  }
  return base;
}

while (queue.length > 0) {
  const { symbol, path } = queue.shift()!;
  if (visited.has(symbol)) continue;
  visited.add(symbol);
  for (const declaration of symbol.declarations ?? []) {
    if (!declaration.getSourceFile().fileName.startsWith(DIST)) continue;
    const names: ts.Node[] = [];
    referencedNames(declaration, names);
    findAny(declaration, path, anys);
    for (const name of names) {
      const found = checker.getSymbolAtLocation(name);
      if (found === undefined) continue;
      const target = resolve(found);
      if (target.flags & ts.SymbolFlags.TypeParameter || !isOurs(target) || target === symbol) continue;
      const where = ownerPath(path, name, declaration);
      if (!exported.has(target) && !missing.has(target)) missing.set(target, where);
      queue.push({ symbol: target, path: target.getName() });
    }
  }
}

/** `any` written in a declaration, with where it is. */
function findAny(node: ts.Node, path: string, found: string[]): void {
  if (node.kind === ts.SyntaxKind.AnyKeyword) {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    found.push(`${path}: any at ${relative(ROOT, file.fileName)}:${line + 1}`);
  }
  ts.forEachChild(node, (child) => findAny(child, path, found));
}

if (anys.length > 0) {
  console.error('`any` in the published declarations (use unknown or a real type):');
  for (const where of new Set(anys)) console.error(`  ${where}`);
}
if (missing.size > 0) {
  console.error(
    'Types referenced by the published declarations but not exported (export them from src/index.ts):',
  );
  for (const [symbol, where] of missing) {
    const file = relative(ROOT, symbol.declarations?.[0]?.getSourceFile().fileName ?? '');
    console.error(`  ${symbol.getName().replace(/\$\d+$/, '')}  (${where} → ${file})`);
  }
}
if (missing.size > 0 || anys.length > 0) process.exit(1);
console.log(
  `check-public-types: ${visited.size} declarations reachable from the entry points, every type exported, no any`,
);
