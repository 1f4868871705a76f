import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createLogging, LogweaveConfigError, type LoggingOptions } from '../../src/index.ts';
import { memoryPipeline } from '../helpers/memory-pipeline.ts';

/** What a pipeline configured by the file `config` writes for an `ssn` attribute. */
async function hashOf(config: string, ssn: string): Promise<unknown> {
  const pipeline = memoryPipeline({ config });
  pipeline.logging.getLogger('people').info('lookup', { ssn });
  const [record] = await pipeline.records();
  await pipeline.shutdown();
  return record?.attributes['ssn'];
}

const directory = mkdtempSync(join(tmpdir(), 'logweave-config-'));
after(() => rmSync(directory, { recursive: true, force: true }));

let fileCount = 0;
function configFile(text: string, extension = 'yaml'): string {
  const path = join(directory, `config-${fileCount++}.${extension}`);
  writeFileSync(path, text);
  return path;
}

/** Creates a pipeline that must fail; returns the error after checking its type and code. */
function configError(options: LoggingOptions): LogweaveConfigError {
  let caught: unknown;
  try {
    const logging = createLogging({ exporter: 'none', handleSignals: false, env: {}, ...options });
    void logging.shutdown();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof LogweaveConfigError, `expected a LogweaveConfigError, got ${String(caught)}`);
  assert.equal(caught.code, 'LOGWEAVE_ERR_CONFIG');
  return caught;
}

describe('config files: every problem is a LogweaveConfigError naming the field path', () => {
  const viaOption = (text: string, extension?: string): LoggingOptions => ({
    config: configFile(text, extension),
  });
  const viaEnv = (text: string, extension?: string): LoggingOptions => ({
    env: { LOGWEAVE_CONFIG: configFile(text, extension) },
  });

  for (const [how, load] of [
    ['options.config', viaOption],
    ['LOGWEAVE_CONFIG', viaEnv],
  ] as const) {
    describe(`loaded through ${how}`, () => {
      test('malformed YAML', () => {
        const error = configError(load('sampling:\n  default: { info: 0.5\n'));
        assert.match(error.path, /config-\d+\.yaml$/);
        assert.equal(error.expected, 'valid YAML or JSON');
      });

      test('malformed JSON in a .json file', () => {
        const error = configError(load('{"sampling": {"default": {"info": 0.5,}}}', 'json'));
        assert.match(error.path, /config-\d+\.json$/);
        assert.equal(error.expected, 'valid YAML or JSON');
      });

      test('duplicate keys in YAML', () => {
        const error = configError(load('level: info\nlevel: debug\n'));
        assert.equal(error.expected, 'valid YAML or JSON');
      });

      test('a wrong type', () => {
        const error = configError(load('redaction:\n  enabled: "yes"\n'));
        assert.match(error.path, /\.yaml\.redaction\.enabled$/);
        assert.equal(error.expected, 'a value of type boolean');
        assert.equal(error.received, '"yes"');
      });

      test('an unknown key, at any depth', () => {
        const top = configError(load('redaktion:\n  enabled: false\n'));
        assert.match(top.expected, /no unknown keys \(found "redaktion"\)/);
        const nested = configError(load('redaction:\n  mode: remove\n  hashkey: abc\n'));
        assert.match(nested.path, /\.yaml\.redaction$/);
        assert.match(nested.expected, /"hashkey"/);
      });

      test('out-of-range probabilities', () => {
        const above = configError(load('sampling:\n  default:\n    info: 1.5\n'));
        assert.match(above.path, /\.yaml\.sampling\.default\.info$/);
        const negative = configError(load('{"sampling": {"default": {"debug": -0.1}}}', 'json'));
        assert.match(negative.path, /\.json\.sampling\.default\.debug$/);
      });

      test('an invalid redaction mode and an invalid custom pattern', () => {
        const mode = configError(load('redaction:\n  mode: scramble\n'));
        assert.match(mode.path, /\.redaction\.mode$/);
        assert.equal(mode.expected, 'one of "remove", "hash"');
        const pattern = configError(load('redaction:\n  patterns: ["ok", "(unclosed"]\n'));
        assert.match(pattern.path, /\.redaction\.patterns\.1$/);
        assert.match(pattern.expected, /a valid regular expression/);
        const empty = configError(load('redaction:\n  patterns: ["a*"]\n'));
        assert.match(empty.expected, /does not match the empty string/);
      });

      test('a top-level document that is not a mapping', () => {
        const error = configError(load('- just\n- a list\n'));
        assert.equal(error.expected, 'a value of type object');
      });
    });
  }

  test('a missing file names the file', () => {
    const error = configError({ config: join(directory, 'absent.yaml') });
    assert.match(error.path, /^config:.*absent\.yaml$/);
    assert.equal(error.expected, 'a readable YAML or JSON file');
  });

  test('a huge or deeply nested file is refused before parsing (the parser would exhaust the heap)', () => {
    const deep = configError({ config: configFile('['.repeat(5_000_000)) });
    assert.match(deep.expected, /a file of at most 1048576 bytes/);
    const nested = configError({ config: configFile(`sampling: ${'['.repeat(100)}${']'.repeat(100)}\n`) });
    assert.match(nested.expected, /at most 64 nested/);
    const quoted = configError({ config: configFile(`serviceName: "${'['.repeat(200)}"\n`) });
    assert.match(quoted.expected, /at most 64 nested/, 'brackets in strings count too: no quoting trick');
    const fine = createLogging({
      exporter: 'none',
      handleSignals: false,
      env: {},
      config: configFile(`serviceName: "${'[a-z]'.repeat(200)}"\n`),
    });
    void fine.shutdown();
  });

  test('a YAML alias bomb is refused rather than expanded', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 10; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(',')}]`);
    }
    const error = configError({ config: configFile(`${lines.join('\n')}\n`) });
    assert.equal(error.expected, 'valid YAML or JSON');
  });

  test('a valid redaction section is applied', async () => {
    const path = configFile(
      'redaction:\n  keys: [ssn]\n  mode: hash\n  hashKey: "0123456789abcdef"\n  redactEmails: true\n',
    );
    const logging = createLogging({ exporter: 'none', handleSignals: false, env: {}, config: path });
    assert.deepEqual(logging.resolvedOptions.redaction, {
      keys: ['ssn'],
      mode: 'hash',
      redactEmails: true,
      hashKey: '[REDACTED]',
    });
    // The key itself is applied: equal values hash alike across pipelines sharing it.
    const hashed = await hashOf(path, '123-45-6789');
    assert.match(String(hashed), /^\[REDACTED:hmac:[0-9a-f]{16}\]$/);
    assert.equal(hashed, await hashOf(path, '123-45-6789'), 'the configured key, not a random one, is used');
    assert.doesNotMatch(
      JSON.stringify(logging.resolvedOptions),
      /0123456789abcdef/,
      'the hash key is never printed',
    );
    await logging.shutdown();
  });
});

describe('redaction options in code and env', () => {
  test('invalid options name the field path', () => {
    assert.equal(configError({ redaction: { keys: [''] } }).path, 'options.redaction.keys.0');
    assert.equal(configError({ redaction: { mode: 'nope' as 'hash' } }).path, 'options.redaction.mode');
    assert.equal(configError({ redaction: { patterns: [/x*/] } }).path, 'options.redaction.patterns.0');
  });

  test('a too-short hash key is rejected without echoing it', () => {
    const error = configError({ redaction: { mode: 'hash', hashKey: 'short-secret' } });
    assert.equal(error.path, 'options.redaction.hashKey');
    assert.doesNotMatch(error.message, /short-secret/);
    const fromEnv = configError({ env: { LOGWEAVE_REDACTION_HASH_KEY: 'short-secret' } });
    assert.equal(fromEnv.path, 'env:LOGWEAVE_REDACTION_HASH_KEY');
    assert.doesNotMatch(fromEnv.message, /short-secret/);
  });

  test('invalid env vars name the variable', () => {
    assert.equal(configError({ env: { LOGWEAVE_REDACTION: 'maybe' } }).path, 'env:LOGWEAVE_REDACTION');
    assert.equal(
      configError({ env: { LOGWEAVE_REDACTION_MODE: 'scramble' } }).path,
      'env:LOGWEAVE_REDACTION_MODE',
    );
    assert.equal(
      configError({ env: { LOGWEAVE_REDACTION_EMAILS: 'sometimes' } }).path,
      'env:LOGWEAVE_REDACTION_EMAILS',
    );
  });

  test('precedence: options over file over env', async () => {
    const path = configFile('redaction:\n  mode: hash\n  redactEmails: true\n');
    const logging = createLogging({
      exporter: 'none',
      handleSignals: false,
      config: path,
      env: {
        LOGWEAVE_REDACTION_MODE: 'remove',
        LOGWEAVE_REDACTION_EMAILS: 'false',
        LOGWEAVE_REDACTION: 'true',
      },
      redaction: { redactEmails: false },
    });
    assert.deepEqual(logging.resolvedOptions.redaction, { enabled: true, mode: 'hash', redactEmails: false });
    await logging.shutdown();
  });
});

describe('a bad file at reload never crashes the process', () => {
  test('malformed, binary, huge, aliased, removed or replaced by a directory: reported, old policy kept', async () => {
    const path = configFile('sampling:\n  default: { info: 1 }\n');
    const diagnostics: string[] = [];
    const logging = createLogging({
      exporter: 'none',
      handleSignals: false,
      env: {},
      config: path,
      diagnosticWriter: (line) => diagnostics.push(line),
    });
    try {
      const aliasBomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let level = 1; level < 10; level++) {
        const name = String.fromCharCode(97 + level);
        const previous = String.fromCharCode(96 + level);
        aliasBomb.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(', ')}]`);
      }
      const bad: Array<[string, () => void]> = [
        ['malformed YAML', () => writeFileSync(path, 'sampling: {\n')],
        ['wrong type', () => writeFileSync(path, 'sampling:\n  default: { info: "all" }\n')],
        ['out-of-range probability', () => writeFileSync(path, 'sampling:\n  default: { info: 2 }\n')],
        [
          'binary garbage',
          () =>
            writeFileSync(
              path,
              Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)),
            ),
        ],
        ['5 MB of nested brackets', () => writeFileSync(path, '['.repeat(5_000_000))],
        ['alias bomb', () => writeFileSync(path, `${aliasBomb.join('\n')}\n`)],
        ['removed file', () => rmSync(path)],
        [
          'a directory instead of a file',
          () => {
            mkdirSync(path);
          },
        ],
      ];
      for (const [name, breakFile] of bad) {
        breakFile();
        const result = logging.reloadConfig();
        assert.equal(result.ok, false, name);
        if (!result.ok) {
          assert.ok(result.error instanceof LogweaveConfigError, name);
          assert.match(result.error.path, /config-\d+\.yaml/, `${name}: the error names the file`);
        }
        if (name === 'a directory instead of a file') rmSync(path, { recursive: true });
      }
      logging.getLogger('still').info('logging still works');
      await logging.forceFlush();
    } finally {
      await logging.shutdown();
    }
  });
});
