import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { parseConfigText } from '../../src/config/config-file.ts';
import { LogweaveConfigError } from '../../src/index.ts';
import { FUZZ_SEED } from '../fuzz/secret-corpus.ts';

function refusal(text: string, origin = 'logweave.yaml'): LogweaveConfigError {
  try {
    parseConfigText(text, origin);
  } catch (error) {
    assert.ok(error instanceof LogweaveConfigError, `expected LogweaveConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('the text was accepted');
}

const lines = (count: number, line: (index: number) => string): string =>
  Array.from({ length: count }, (_, index) => `${line(index)}\n`).join('');

describe('nesting: at most 64 levels however they are written, counted by the parser itself', () => {
  const styles: Record<string, (levels: number) => string> = {
    'mappings by indentation': (levels) => lines(levels, (level) => `${'  '.repeat(level)}a:`),
    'sequences by indentation': (levels) => `${lines(levels, (level) => `${'  '.repeat(level)}-`)}`,
    'compact sequences ("- - -")': (levels) => `${'- '.repeat(levels)}x\n`,
    'explicit keys ("? ? ?")': (levels) => `${'? '.repeat(levels)}x\n`,
    "a sequence at its mapping key's column": (levels) =>
      `a:\n${lines(levels / 2 - 1, (level) => `${'  '.repeat(level)}- a:`)}${'  '.repeat(levels / 2 - 1)}- x\n`,
    'block and flow mixed': (levels) => `${'- '.repeat(levels - 30)}${'['.repeat(30)}${']'.repeat(30)}\n`,
  };
  for (const [style, text] of Object.entries(styles)) {
    test(style, () => {
      const deep = refusal(text(66));
      assert.match(deep.expected, /at most 64 nested mappings and sequences/);
      assert.match(deep.received, /at line \d+, column \d+/);
      // 64 levels parse (and then fail validation: these documents are not logweave options).
      assert.doesNotMatch(refusal(text(64)).expected, /nested/);
    });
  }

  test('flow brackets are counted before parsing, in strings too (as before)', () => {
    assert.match(
      refusal(`a: ${'['.repeat(65)}${']'.repeat(65)}\n`).expected,
      /at most 64 nested \[ \] or \{ \}/,
    );
    assert.match(refusal(`a: "${'{'.repeat(65)}"\n`).expected, /at most 64 nested \[ \] or \{ \}/);
  });

  test('a refused nesting costs little memory, whatever the file holds', () => {
    for (const text of [
      '- '.repeat(524_287),
      '? '.repeat(524_287),
      lines(1_000, (level) => `${' '.repeat(level)}-`),
    ]) {
      const heapBefore = process.memoryUsage().heapUsed;
      assert.match(refusal(text).expected, /at most 64 nested/);
      const growth = process.memoryUsage().heapUsed - heapBefore;
      assert.ok(growth < 48 * 2 ** 20, `heap grew by ${(growth / 2 ** 20).toFixed(0)} MiB`);
    }
  });
});

describe('token limit: what the parser must do is bounded, not only the bytes', () => {
  test('YAML: 50,000 tokens at most, named in the error with where the file went over', () => {
    const over = refusal(lines(12_600, (index) => `k${index}: 1`));
    assert.match(over.expected, /at most 50000 YAML tokens/);
    assert.match(over.received, /at line 12501, column 1/);
    // Blank lines, comments and unmatched brackets are tokens too.
    assert.match(refusal(`a: 1\n${'\n'.repeat(60_000)}`).expected, /at most 50000 YAML tokens/);
    assert.match(refusal(lines(60_000, () => '# note')).expected, /at most 50000 YAML tokens/);
    assert.match(refusal(']'.repeat(60_000)).expected, /at most 50000 YAML tokens/);
    // Spaces are not: a long line of them is one.
    assert.doesNotMatch(refusal(`a: 1${' '.repeat(500_000)}\n`).expected, /tokens/);
  });

  test('JSON: 50,000 tokens at most', () => {
    const json = `{"sampling": {"modules": {${Array.from({ length: 13_000 }, (_, index) => `"m${index}": {}`).join(', ')}}}}`;
    const error = refusal(json, 'logweave.json');
    assert.match(error.expected, /at most 50000 JSON tokens/);
    assert.equal(error.path, 'logweave.json');
  });
});

describe('duplicate keys are errors in YAML and JSON, with the key path, in one pass', () => {
  test('YAML: the path of the repeated key and both positions', () => {
    const error = refusal(
      'sampling:\n  modules:\n    a: { info: 1 }\n    b: { info: 1 }\n    a: { info: 0 }\n',
    );
    assert.equal(error.path, 'logweave.yaml.sampling.modules.a');
    assert.equal(error.expected, 'valid YAML or JSON');
    assert.equal(error.received, '"Map keys must be unique at line 5, column 5 (first at line 3, column 5)"');
    assert.equal(refusal('{a: 1, b: [{c: 1, c: 2}]}').path, 'logweave.yaml.b.0.c');
  });

  test('JSON: duplicate keys are errors too (JSON.parse would keep the last silently)', () => {
    const error = refusal('{\n  "sampling": {"default": {"info": 1}},\n  "sampling": {}\n}', 'logweave.json');
    assert.equal(error.path, 'logweave.json.sampling');
    assert.equal(
      error.received,
      '"Object keys must be unique at line 3, column 3 (first at line 2, column 3)"',
    );
    // Escapes are decoded before comparing: "\u0061" is "a".
    assert.equal(refusal('{"x": [0, {"a": 1, "\\u0061": 2}]}', 'logweave.json').path, 'logweave.json.x.1.a');
    // A JSON syntax error is still reported as one, before any duplicate.
    assert.match(refusal('{"a": 1, "a": 2,}', 'logweave.json').received, /JSON/);
  });

  const keyPool = [
    'a',
    'b',
    '"a"',
    "'a'",
    '1',
    '"1"',
    '1.0',
    '0x1',
    '01',
    'true',
    'True',
    'null',
    '~',
    '""',
    '.nan',
    '.NaN',
    '.inf',
    '-0',
    '0',
    '+1',
  ];
  const key = fc.constantFrom(...keyPool);
  const flowValue: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('1', 'x', '"y"', 'null'),
      fc
        .array(fc.tuple(key, tie('value')), { maxLength: 4 })
        .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    ),
  })).value;
  const blockMap = (depth: number): fc.Arbitrary<string> =>
    fc
      .array(
        fc.tuple(
          key,
          depth > 0
            ? fc.oneof(
                flowValue,
                blockMap(depth - 1).map((block) => `\n${block}`),
              )
            : flowValue,
        ),
        { minLength: 1, maxLength: 5 },
      )
      .map((pairs) =>
        pairs
          .map(([k, v]) => `${k}:${v.startsWith('\n') ? v.replaceAll('\n', '\n  ').trimEnd() : ` ${v}`}`)
          .join('\n'),
      );

  test("YAML: finds the repeated keys yaml's own uniqueKeys finds, and the earliest of them (differential)", () => {
    fc.assert(
      fc.property(blockMap(3), (text) => {
        const reference = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
        const lineCounter = new LineCounter();
        parseDocument(text, { uniqueKeys: false, lineCounter });
        const otherErrors = reference.errors.filter((error) => error.code !== 'DUPLICATE_KEY');
        if (otherErrors.length > 0) return;
        // yaml reports a pair's repeated key after the pair's value; logweave reports the repeated key
        // that comes first in the text: the same set, the earliest of it.
        const duplicates = reference.errors.filter((error) => error.code === 'DUPLICATE_KEY');
        const duplicate =
          duplicates.length === 0 ? undefined : Math.min(...duplicates.map((error) => error.pos[0]));
        let received: string | undefined;
        try {
          parseConfigText(text, 'logweave.yaml');
        } catch (error) {
          assert.ok(error instanceof LogweaveConfigError);
          received = error.received;
        }
        if (duplicate === undefined) {
          assert.ok(received === undefined || !received.includes('must be unique'), `${text}\n${received}`);
        } else {
          const { line, col } = lineCounter.linePos(duplicate);
          assert.ok(
            received?.startsWith(`"Map keys must be unique at line ${line}, column ${col} `),
            `${text}\n${received}`,
          );
        }
      }),
      { seed: FUZZ_SEED, numRuns: 1_000 },
    );
  });

  test('JSON: finds the repeated keys yaml finds in the same text, and the earliest (differential)', () => {
    const jsonKey = fc.constantFrom(
      '"a"',
      '"b"',
      '"\\u0061"',
      '"a\\n"',
      '"\\n"',
      '""',
      '"__proto__"',
      '"\\"a"',
    );
    const jsonValue: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('1', '"x"', 'true', 'null', '-2.5e3'),
        fc
          .array(fc.tuple(jsonKey, tie('value')), { maxLength: 4 })
          .map((pairs) => `{${pairs.map(([k, v]) => `${k}:${v}`).join(',\n ')}}`),
        fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
      ),
    })).value;
    const document = fc
      .array(fc.tuple(jsonKey, jsonValue), { maxLength: 5 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(',\n')}}`);
    fc.assert(
      fc.property(document, (text) => {
        const reference = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
        const lineCounter = new LineCounter();
        parseDocument(text, { uniqueKeys: false, lineCounter });
        // yaml reports a pair's repeated key after the pair's value; logweave reports the repeated key
        // that comes first in the text: the same set, the earliest of it.
        const duplicates = reference.errors.filter((error) => error.code === 'DUPLICATE_KEY');
        const duplicate =
          duplicates.length === 0 ? undefined : Math.min(...duplicates.map((error) => error.pos[0]));
        let received: string | undefined;
        try {
          parseConfigText(text, 'logweave.json');
        } catch (error) {
          assert.ok(error instanceof LogweaveConfigError);
          received = error.received;
        }
        if (duplicate === undefined) {
          assert.ok(received === undefined || !received.includes('must be unique'), `${text}\n${received}`);
        } else {
          const { line, col } = lineCounter.linePos(duplicate);
          assert.ok(
            received?.startsWith(`"Object keys must be unique at line ${line}, column ${col} `),
            `${text}\n${received}`,
          );
        }
      }),
      { seed: FUZZ_SEED, numRuns: 1_000 },
    );
  });
});

describe('the rest of the YAML attack surface', () => {
  test('aliases: at most 100 (each alias scans every anchor before it); expansion bounded as before', () => {
    const aliased = (count: number): string =>
      `resourceAttributes:\n${lines(count, (index) => `  a${index}: &x${index} v`)}${lines(count, (index) => `  b${index}: *x${index}`)}`;
    const over = refusal(aliased(101));
    assert.equal(over.expected, 'at most 100 aliases (*name)');
    assert.equal(parseConfigText(aliased(100), 'logweave.yaml').resourceAttributes?.['b99'], 'v');
  });

  test('one document per file; later ones are not parsed', () => {
    const error = refusal(`serviceName: a\n---\nserviceName: b\n${'---\n'.repeat(100_000)}`);
    assert.equal(error.expected, 'a single YAML document');
    assert.equal(error.received, '"a second document at line 2, column 1"');
  });

  test('always YAML 1.2 core: a %YAML 1.1 directive enables no merge keys and no 1.1 types', () => {
    const merge = refusal('%YAML 1.1\n---\nbase: &b { info: 1 }\nsampling:\n  default: { <<: *b }\n');
    assert.match(merge.expected, /unknown keys.*"<<"/);
    assert.deepEqual(parseConfigText('%YAML 1.1\n---\nhandleSignals: true\n', 'logweave.yaml'), {
      handleSignals: true,
    });
  });

  test('warnings are reported once per file, however many there are', async () => {
    const warnings: string[] = [];
    const listener = (warning: Error): void => {
      if (warning.name === 'LogweaveConfigWarning') warnings.push(warning.message);
    };
    process.on('warning', listener);
    try {
      parseConfigText(
        `resourceAttributes:\n${lines(500, (index) => `  k${index}: !custom v`)}`,
        'logweave.yaml',
      );
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.removeListener('warning', listener);
    }
    assert.deepEqual(warnings, ['logweave.yaml: Unresolved tag: !custom at line 2, column 7 (and 499 more)']);
  });

  test('Error.stackTraceLimit is restored whether the file is accepted or refused', () => {
    const before = Error.stackTraceLimit;
    parseConfigText('serviceName: a\n', 'logweave.yaml');
    refusal(']]]]');
    refusal('- '.repeat(200));
    assert.equal(Error.stackTraceLimit, before);
  });
});

describe('linear time on adversarial shapes (growth from n to 4n, all within the limits)', () => {
  // A quadratic shape grows 16x from n to 4n, a linear one 4x; 10 (plus 20 ms of slack) leaves room
  // for a busy machine. CPU time of the process, not wall time (a shared machine preempts long
  // calls more often than short ones); each size is timed five times, interleaved, the least kept.
  const MAX_GROWTH = 10;
  const shapes: Record<string, (n: number) => string> = {
    'keys in one mapping (yaml uniqueKeys was quadratic)': (n) => lines(n, (index) => `k${index}: 1`),
    'keys in one flow mapping': (n) =>
      `{${Array.from({ length: n }, (_, index) => `k${index}: 1`).join(', ')}}`,
    'one problem per token (errors were quadratic to format)': (n) => ']'.repeat(3 * n),
    'one problem per tag': (n) => `a: ${'!t '.repeat(2 * n)}`,
    'blank lines': (n) => `a: 1\n${'\n'.repeat(3 * n)}`,
    'comment lines': (n) => lines(2 * n, () => '# a comment'),
    'a flow sequence': (n) => `[${'1,'.repeat(2 * n)}]`,
    'one long line': (n) => `serviceName: ${'x'.repeat(80 * n)}\n`,
    'explicit keys': (n) => lines(n, (index) => `? k${index}\n: 1`).slice(0, -1),
  };

  for (const [shape, text] of Object.entries(shapes)) {
    test(shape, () => {
      const small = text(2_500);
      const large = text(10_000);
      const time = (input: string): number => {
        const started = process.cpuUsage();
        try {
          parseConfigText(input, 'logweave.yaml');
        } catch {
          // refused or invalid: the time is what counts
        }
        const used = process.cpuUsage(started);
        return (used.user + used.system) / 1000;
      };
      time(small); // warm up
      let smallBest = Infinity;
      let largeBest = Infinity;
      for (let round = 0; round < 5; round++) {
        smallBest = Math.min(smallBest, time(small));
        largeBest = Math.min(largeBest, time(large));
      }
      const growth = largeBest / Math.max(smallBest, 1);
      assert.ok(
        largeBest < MAX_GROWTH * smallBest + 20,
        `${smallBest.toFixed(1)} ms -> ${largeBest.toFixed(1)} ms (x${growth.toFixed(1)})`,
      );
    });
  }
});
