import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
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

/** What `delivery-file-writer.ts` prints when it is done. */
interface WriterReport {
  maxDelayMillis: number;
  renames: number;
}

/** A pid that no process holds any more: a child's, once it has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

/** Every file of the set holds at most `maxBytes`, unless it holds one line longer than that. */
function assertWithinMaxBytes(path: string, maxBytes: number): void {
  for (const file of rotatedSet(path)) {
    const text = readFileSync(file, 'utf8');
    const size = statSync(file).size;
    const lines = text.slice(0, -1).split('\n');
    assert.ok(size <= maxBytes || lines.length === 1, `${file} holds ${size} bytes in ${lines.length} lines`);
  }
}

describe('file sink', () => {
  // With a lock left by a dead writer, all four find it stale at about the same time: only one
  // takeover may win, or two rotations would run at once and rename files onto each other.
  for (const start of ['', ' starting with a lock left by a dead writer']) {
    test(`four processes appending to one rotating file never interleave or tear a line${start}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'logweave-file-'));
      dirs.push(dir);
      const path = join(dir, 'logs.jsonl');
      if (start !== '') writeFileSync(`${path}.rotate-lock`, String(await deadPid()));
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
      assert.ok(!existsSync(`${path}.rotate-lock.takeover`), 'no takeover guard is left behind');
    });
  }

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

  // A writer killed while rotating leaves its lock behind. Before, every write to the full file
  // then waited 2 s for it (Atomics.wait) and the lock was taken over only after 10 s.
  for (const [format, content] of [
    ['a bare pid, as earlier versions wrote it', (pid: number) => String(pid)],
    ['a pid and a token', (pid: number) => `${pid} 4f1c2b7e9d3a5608`],
  ] as const) {
    test(`a rotate lock left by a dead writer (${format}) is taken over at once; no write waits`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'logweave-file-'));
      dirs.push(dir);
      const path = join(dir, 'stale.jsonl');
      writeFileSync(`${path}.rotate-lock`, content(await deadPid()));
      // It died half-way: the live file renamed to .0, not yet moved to .1.
      const leftover = '{"resourceLogs":[],"note":"left half-rotated"}\n';
      writeFileSync(`${path}.0`, leftover);
      const result = await run('delivery-file-writer.ts', {
        WORKER: '0',
        LINES: '400',
        FILE_PATH: path,
        MAX_BYTES: '16384',
        MAX_FILES: '1000',
      });
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as WriterReport;
      // Far from the 2000 ms a single wait used to take; a write itself takes well under 1 ms.
      assert.ok(report.maxDelayMillis < 1000, `the longest event-loop delay was ${report.maxDelayMillis} ms`);
      assert.ok(rotatedSet(path).length > 5, `the file was rotated (${rotatedSet(path).length} files)`);
      assert.ok(!existsSync(`${path}.rotate-lock`), 'the stale lock is gone');
      assert.ok(!existsSync(`${path}.0`), 'the half-done rotation was finished');
      assert.equal(
        rotatedSet(path).filter((file) => readFileSync(file, 'utf8') === leftover).length,
        1,
        'what it left is kept, once',
      );
      // Taken over at the first rotation: no file grew past the limit while the lock stood.
      assertWithinMaxBytes(path, 16384);
    });
  }

  test('a rotate lock held by a live writer: the others keep appending without waiting and leave it alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-file-'));
    dirs.push(dir);
    const path = join(dir, 'held.jsonl');
    const lockPath = `${path}.rotate-lock`;
    const lock = `${process.pid} held-by-the-test`;
    writeFileSync(lockPath, lock);
    // This process holds the lock for the whole run, as a writer in the middle of a rotation
    // would: kept fresh, so its age never makes it look abandoned on a slow machine.
    const keepFresh = setInterval(() => utimesSync(lockPath, new Date(), new Date()), 500);
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run('delivery-file-writer.ts', {
        WORKER: '0',
        LINES: '200',
        FILE_PATH: path,
        MAX_BYTES: '16384',
        MAX_FILES: '1000',
      });
    } finally {
      clearInterval(keepFresh);
    }
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as WriterReport;
    assert.ok(report.maxDelayMillis < 1000, `the longest event-loop delay was ${report.maxDelayMillis} ms`);
    assert.deepEqual(rotatedSet(path), [path], 'nothing was rotated under a live lock');
    assert.ok(statSync(path).size > 16384, 'the writer kept appending past maxBytes');
    assert.equal(readFileSync(lockPath, 'utf8'), lock, 'the live lock is left alone');
  });

  test('a rotation renames only the files that exist, not maxFiles of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logweave-file-'));
    dirs.push(dir);
    const path = join(dir, 'renames.jsonl');
    const result = await run('delivery-file-writer.ts', {
      WORKER: '0',
      LINES: '200',
      FILE_PATH: path,
      MAX_BYTES: '16384',
      MAX_FILES: '1000',
    });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as WriterReport;
    const rotations = rotatedSet(path).length - 1;
    assert.ok(rotations >= 5, `the file was rotated (${rotations} times)`);
    // The k-th rotation renames the live file to .0, moves the k-1 older files up, then .0 to
    // .1: k+1 renames. Before, every rotation tried maxFiles renames (here 1000 each).
    assert.ok(
      report.renames <= (rotations * (rotations + 3)) / 2,
      `${report.renames} renames for ${rotations} rotations`,
    );
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

interface SpoolReport {
  phase: 'full' | 'spooled' | 'delivered';
  stats: { exported: number; spooled: number; dropped: Record<string, number> };
  segments: Array<{ name: string; bytes: number }>;
}

/** `prlimit` (util-linux) lifts a running process's file size limit: the disk "frees". */
const prlimit = spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;

describe('spool on a full disk', { skip: process.platform !== 'linux' && 'needs ulimit -f (Linux)' }, () => {
  // 0 blocks: every write fails at once (what left a 0-byte segment per batch); 1 block: each
  // frame is cut short first (what left a torn frame per batch, later counted again as corrupt).
  for (const blocks of [0, 1]) {
    test(`ulimit -f ${blocks}: 200 failed appends leave no empty or torn segment behind, are counted, and the spool recovers when the disk frees`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'logweave-spool-full-'));
      dirs.push(dir);
      const receiver = await startOtlpReceiver();
      await receiver.stop(); // the endpoint is down: every batch goes to the spool
      // The kernel refuses to grow any file (EFBIG) as a full disk would (ENOSPC). Node ignores
      // SIGXFSZ, so the write fails instead of killing the process.
      const child = spawn(
        'sh',
        [
          '-c',
          `ulimit -S -f ${blocks} && exec "$0" "$@"`,
          process.execPath,
          join(fixtures, 'delivery-spool-disk-full.ts'),
        ],
        {
          env: { ...process.env, SPOOL_DIR: dir, OTLP_URL: receiver.url, BATCHES: '200' },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const reports: SpoolReport[] = [];
      try {
        for await (const line of createInterface({ input: child.stdout })) {
          const report = JSON.parse(line) as SpoolReport;
          reports.push(report);
          if (report.phase === 'full') {
            if (!prlimit) break;
            const lifted = spawnSync('prlimit', ['--pid', String(child.pid), '--fsize=unlimited'], {
              encoding: 'utf8',
            });
            assert.equal(lifted.status, 0, lifted.stderr);
            child.stdin.end('the disk is free again\n');
          }
          if (report.phase === 'spooled') await receiver.start();
        }
      } finally {
        child.kill();
        await receiver.close();
      }
      const full = reports[0];
      assert.equal(full?.phase, 'full', stderr);
      assert.equal(
        full.stats.dropped['export_failed'],
        1000,
        'every record of every failed batch is counted',
      );
      assert.equal(full.stats.spooled, 0);
      // Before: one new segment per failed batch, each holding a torn frame.
      assert.ok(
        full.segments.length <= 1,
        `${full.segments.length} segments: ${JSON.stringify(full.segments.slice(0, 3))}`,
      );
      assert.ok(
        full.segments.every((segment) => segment.bytes === 0),
        'no torn frame is left to be counted again as spool_corrupt',
      );
      if (!prlimit) return;
      const [spooled, delivered] = [reports[1], reports[2]];
      assert.equal(spooled?.stats.spooled, 5, 'once the disk frees, the next batch is spooled');
      assert.equal(delivered?.stats.exported, 5, 'and delivered when the endpoint answers');
      assert.equal(delivered.stats.dropped['spool_corrupt'], undefined, 'nothing was torn');
      assert.equal(delivered.stats.dropped['export_failed'], 1000);
      assert.deepEqual(delivered.segments, [], 'no segment is left once everything is delivered');
      assert.deepEqual(
        receiver.records.map((record) => record.attributes['index']),
        [1000, 1001, 1002, 1003, 1004],
      );
    });
  }
});
