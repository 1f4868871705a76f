import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { flattenRequest } from '../helpers/otlp-records.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function run(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(fixtures, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Every file of a rotated set: the live one and `.1` … `.n`. */
function rotatedSet(path: string): string[] {
  const dir = join(path, '..');
  const base = path.slice(dir.length + 1);
  return readdirSync(dir)
    .filter(
      (name) => name === base || (/^\d+$/.test(name.slice(base.length + 1)) && name.startsWith(`${base}.`)),
    )
    .map((name) => join(dir, name));
}

describe('file sink', () => {
  test('four processes appending to one rotating file never interleave or tear a line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-file-'));
    dirs.push(dir);
    const path = join(dir, 'logs.jsonl');
    const workers = 4;
    const lines = 1500;
    const maxBytes = 64 * 1024;
    const results = await Promise.all(
      Array.from({ length: workers }, (_, worker) =>
        run('delivery-file-writer.ts', {
          WORKER: String(worker),
          LINES: String(lines),
          FILE_PATH: path,
          MAX_BYTES: String(maxBytes),
          MAX_FILES: '1000',
        }),
      ),
    );
    for (const result of results) assert.equal(result.code, 0, result.stderr);

    const files = rotatedSet(path);
    assert.ok(files.length > 5, `the file was rotated (${files.length} files)`);
    assert.ok(!existsSync(`${path}.rotate-lock`), 'no rotation lock is left behind');
    const seen = new Set<string>();
    let records = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      assert.ok(text.endsWith('\n'), `${file} ends with a whole line`);
      for (const line of text.slice(0, -1).split('\n')) {
        const request = JSON.parse(line) as unknown; // throws on a torn or interleaved line
        for (const record of flattenRequest(request)) {
          records++;
          seen.add(`${String(record.attributes['worker'])}:${String(record.attributes['index'])}`);
        }
      }
    }
    assert.equal(records, workers * lines, 'every record is written exactly once');
    assert.equal(seen.size, workers * lines);
  });

  test('rotation keeps at most maxFiles old files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-file-'));
    dirs.push(dir);
    const path = join(dir, 'kept.jsonl');
    const result = await run('delivery-file-writer.ts', {
      WORKER: '0',
      LINES: '400',
      FILE_PATH: path,
      MAX_BYTES: '16384',
      MAX_FILES: '2',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      rotatedSet(path)
        .map((file) => file.slice(path.length))
        .sort(),
      ['', '.1', '.2'],
    );
    for (const file of rotatedSet(path)) {
      const size = statSync(file).size;
      const longest = Math.max(
        ...readFileSync(file, 'utf8')
          .split('\n')
          .map((line) => line.length + 1),
      );
      assert.ok(size <= 16384 || size === longest, `${file} holds ${size} bytes`);
    }
  });

  test('each line has the shape of the Collector file exporter output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-file-'));
    dirs.push(dir);
    const path = join(dir, 'shape.jsonl');
    const result = await run('delivery-file-writer.ts', {
      WORKER: '7',
      LINES: '3',
      FILE_PATH: path,
      MAX_BYTES: '1048576',
      MAX_FILES: '1',
    });
    assert.equal(result.code, 0, result.stderr);
    const request = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as {
      resourceLogs: Array<{
        scopeLogs: Array<{ scope: { name: string }; logRecords: Array<Record<string, unknown>> }>;
      }>;
    };
    const record = request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    assert.equal(request.resourceLogs[0]!.scopeLogs[0]!.scope.name, 'writer');
    assert.equal(typeof record['timeUnixNano'], 'string');
    assert.equal(record['severityText'], 'INFO');
    assert.equal(record['severityNumber'], 9);
    const worker = (record['attributes'] as Array<{ key: string; value: Record<string, unknown> }>).find(
      (attribute) => attribute.key === 'worker',
    );
    assert.deepEqual(
      worker?.value,
      { intValue: '7' },
      '64-bit integers are strings, as the Collector writes them',
    );
  });
});

describe('console sink', () => {
  test('one escaped line per record: no forged lines, no terminal escapes, no colour off a TTY', async () => {
    const result = await run('delivery-console.ts', {});
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4, result.stdout);
    assert.ok(!result.stdout.includes('\u001b'), 'no raw ESC reaches the terminal');
    assert.ok(
      !/[\r\u2028\u2029\u202e\u200b]/.test(result.stdout),
      'no line separators, bidi or zero-width characters',
    );
    assert.match(
      lines[0]!,
      /^\d{4}-\d\d-\d\dT\S+Z INFO +console-demo payments\.stripe req=- trace=- first line\\nINFO forged second line \{"note":"cr\\rhere"\}$/,
    );
    assert.match(lines[1]!, / WARN +console-demo .*\\u001b\[31mred\\u001b\[0m and \\u2028 and \\u2029 end$/);
    assert.match(lines[2]!, / WARN +console-demo .*bidi \\u202eevil\\u202c and zero\\u200bwidth$/);
    assert.match(
      lines[3]!,
      / ERROR console-demo payments\.stripe req=req-42 trace=[0-9a-f]{32} with request \{"amount":42\}$/,
    );
  });
});
