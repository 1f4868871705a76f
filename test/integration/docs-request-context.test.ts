/*
 * Every TypeScript example of docs/request-context.md type-checks as a module of its own, with
 * `logweave` resolved to src/index.ts and the project's compiler options: the page's recipes
 * cannot drift from the API. (What they do is tested in context-limits*.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const page = readFileSync(new URL('docs/request-context.md', `file://${root}`), 'utf8');

function examplesOf(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

test('the TypeScript examples of docs/request-context.md compile against the public API', () => {
  const examples = examplesOf(page);
  assert.ok(examples.length >= 6, `found only ${examples.length} examples: the extraction is broken`);
  // Inside the repository, so that node_modules and the "type": "module" of package.json apply.
  const dir = `${root}test/.tmp/docs-request-context-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  try {
    const files = examples.map((source, index) => {
      const file = `${dir}/example-${index + 1}.ts`;
      writeFileSync(file, source);
      return file;
    });
    const config = ts.readConfigFile(`${root}tsconfig.json`, (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(files, {
      ...options,
      paths: { logweave: [`${root}src/index.ts`] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where =
        diagnostic.file === undefined
          ? ''
          : `${diagnostic.file.fileName.slice(dir.length + 1)}:${
              diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1
            }: `;
      return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    });
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
