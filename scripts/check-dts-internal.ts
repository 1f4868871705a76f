/**
 * Packaging check (`npm run check:package`, after `npm run build`): no member marked `@internal`
 * in the sources appears in the published declarations (`dist/**\/*.d.mts`, `*.d.cts`). The build
 * strips them (`stripInternal` in tsdown.config.ts); this fails if that ever stops, naming each
 * leaked member as `Container.member` with the declaration file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const SOURCE_DIRS = ['src', 'integrations'];
const DIST = join(ROOT, 'dist');

function filesUnder(dir: string, suffixes: readonly string[]): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && suffixes.some((suffix) => entry.name.endsWith(suffix)))
    .map((entry) => join(entry.parentPath, entry.name));
}

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** `Container.member` names of declarations with an `@internal` JSDoc tag. */
function internalMembers(file: ts.SourceFile): Set<string> {
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal')) found.add(memberKey(node));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Every `Container.member` a declaration file declares. */
function declaredMembers(file: ts.SourceFile): Set<string> {
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isClassElement(node) || ts.isTypeElement(node)) found.add(memberKey(node));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function memberKey(node: ts.Node): string {
  const container = node.parent;
  const containerName =
    container !== undefined && (ts.isClassLike(container) || ts.isInterfaceDeclaration(container))
      ? // The bundler renames a declaration that clashes with an import (`Logger$1`).
        (container.name?.text.replace(/\$\d+$/, '') ?? '(anonymous)')
      : '(top level)';
  const name = ts.isConstructorDeclaration(node)
    ? 'constructor'
    : (ts.getNameOfDeclaration(node as ts.Declaration)?.getText() ?? '(unnamed)');
  return `${containerName}.${name}`;
}

const internal = new Map<string, Set<string>>();
for (const dir of SOURCE_DIRS) {
  for (const path of filesUnder(join(ROOT, dir), ['.ts'])) {
    const members = internalMembers(parse(path));
    if (members.size > 0) internal.set(relative(ROOT, path).replace(/\.ts$/, ''), members);
  }
}

const leaks: string[] = [];
for (const path of filesUnder(DIST, ['.d.mts', '.d.cts'])) {
  const text = readFileSync(path, 'utf8');
  const shown = relative(ROOT, path);
  if (text.includes('@internal')) leaks.push(`${shown}: an "@internal" comment survived`);
  const source = relative(DIST, path).replace(/\.d\.[mc]ts$/, '');
  const members = internal.get(source);
  if (members === undefined) continue;
  const declared = declaredMembers(parse(path));
  for (const member of members) if (declared.has(member)) leaks.push(`${shown}: ${member}`);
}

const checked = [...internal.values()].reduce((total, members) => total + members.size, 0);
if (checked === 0) {
  console.error('check-dts-internal: found no @internal member in the sources; is the check still looking?');
  process.exit(1);
}
if (leaks.length > 0) {
  console.error(
    `@internal members in the published declarations (strip them: stripInternal in tsdown.config.ts):`,
  );
  for (const leak of leaks) console.error(`  ${leak}`);
  process.exit(1);
}
console.log(`check-dts-internal: ${checked} @internal members, none in dist/**/*.d.{mts,cts}`);
