import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Logging, LoggingOptions } from '../../src/index.ts';
import { collect } from '../helpers/memory-pipeline.ts';

async function capture(
  emit: (logging: Logging) => void,
  options: LoggingOptions = {},
): Promise<{ records: ReadableLogRecord[]; redacted: number }> {
  const { records, stats } = await collect(emit, options);
  return { records, redacted: stats.redacted };
}

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const CARD = '4111 1111 1111 1111';

describe('redaction by key', () => {
  test('default keys are removed case-insensitively, at any depth, whatever the value type', async () => {
    const { records, redacted } = await capture((logging) =>
      logging.getLogger('auth').info('login', {
        Authorization: 'Basic dXNlcjpwYXNz',
        user: { name: 'ada', PASSWORD: 'hunter2', profile: { api_key: 'k-123', settings: [{ Token: 42 }] } },
        'http.request.header.cookie': ['session=abc'],
        'Set-Cookie': 'id=1',
        client_secret: { nested: 'object' },
        refresh_token: 'r',
        accessToken: 'a',
        kept: 'visible',
      }),
    );
    const attributes = records[0]?.attributes ?? {};
    assert.equal(attributes['Authorization'], 'Basic [REDACTED]', 'the auth scheme stays readable');
    assert.deepEqual(attributes['user'], {
      name: 'ada',
      PASSWORD: '[REDACTED]',
      profile: { api_key: '[REDACTED]', settings: [{ Token: '[REDACTED]' }] },
    });
    assert.equal(attributes['http.request.header.cookie'], '[REDACTED]');
    assert.equal(attributes['Set-Cookie'], '[REDACTED]');
    assert.equal(attributes['client_secret'], '[REDACTED]');
    assert.equal(attributes['refresh_token'], '[REDACTED]');
    assert.equal(attributes['accessToken'], '[REDACTED]');
    assert.equal(attributes['kept'], 'visible');
    assert.equal(redacted, 9, 'every replaced secret is counted in stats().redacted');
  });

  test('extra keys from the options are added to the defaults', async () => {
    const { records } = await capture(
      (logging) =>
        logging.getLogger('kyc').info('checked', { customer: { SSN: '078-05-1120', password: 'p' } }),
      {
        redaction: { keys: ['ssn'] },
      },
    );
    assert.deepEqual(records[0]?.attributes['customer'], { SSN: '[REDACTED]', password: '[REDACTED]' });
  });

  test('values that only look like key names are not redacted', async () => {
    const { records, redacted } = await capture((logging) =>
      logging
        .getLogger('llm')
        .info('completion', { maxTokens: 256, tokens: 12, author: 'x', secretary: 'bob' }),
    );
    assert.deepEqual(records[0]?.attributes, { maxTokens: 256, tokens: 12, author: 'x', secretary: 'bob' });
    assert.equal(redacted, 0);
  });
});

describe('redaction by value pattern', () => {
  test('bearer tokens, JWTs, Luhn-valid card numbers and key=value secrets in body and attributes', async () => {
    const { records } = await capture((logging) => {
      const log = logging.getLogger('http');
      log.info(`calling upstream with Bearer ${JWT.slice(0, 30)}`);
      log.info('token issued', { note: `issued ${JWT} for user` });
      log.info(`charged card ${CARD}`, { raw: '4111111111111111', notACard: '4111111111111112' });
      log.info('GET /callback?code=1&access_token=abc123xyz&state=ok');
      log.info('body {"user":"ada","password":"hunter2"}');
    });
    assert.deepEqual(
      records.map((record) => record.body),
      [
        'calling upstream with Bearer [REDACTED]',
        'token issued',
        'charged card [REDACTED]',
        'GET /callback?code=1&access_token=[REDACTED]&state=ok',
        'body {"user":"ada","password":"[REDACTED]"}',
      ],
    );
    assert.equal(records[1]?.attributes['note'], 'issued [REDACTED] for user');
    assert.equal(records[2]?.attributes['raw'], '[REDACTED]');
    assert.equal(records[2]?.attributes['notACard'], '4111111111111112', 'fails the Luhn check: kept');
  });

  test('exception.message and exception.stacktrace are redacted', async () => {
    const { records } = await capture((logging) => {
      const error = new Error(`upstream rejected Bearer abcdefghijklmnop with card ${CARD}`);
      logging.getLogger('pay').error('charge failed', error);
    });
    const attributes = records[0]?.attributes ?? {};
    assert.equal(attributes['exception.message'], 'upstream rejected Bearer [REDACTED] with card [REDACTED]');
    const stack = String(attributes['exception.stacktrace']);
    assert.doesNotMatch(stack, /abcdefghijklmnop|4111/);
    assert.match(stack, /Bearer \[REDACTED\]/);
  });

  test('timestamps, UUIDs and ordinary numbers are left alone', async () => {
    const text =
      'at 1700000000000 id 3f2504e0-4f89-11d3-9a0c-0305e82c3301 amount 1234567890123 phone +1 555 0100';
    const { records, redacted } = await capture((logging) => logging.getLogger('x').info(text, { text }));
    assert.equal(records[0]?.body, text);
    assert.equal(records[0]?.attributes['text'], text);
    assert.equal(redacted, 0);
  });

  test('e-mail addresses are redacted only when opted in', async () => {
    const emit = (logging: Logging): void =>
      logging.getLogger('mail').info('sent to ada@example.com', { to: 'bob@example.org' });
    const off = await capture(emit);
    assert.equal(off.records[0]?.body, 'sent to ada@example.com');
    const on = await capture(emit, { redaction: { redactEmails: true } });
    assert.equal(on.records[0]?.body, 'sent to [REDACTED]');
    assert.equal(on.records[0]?.attributes['to'], '[REDACTED]');
  });

  test('custom patterns (strings from a config file, RegExps in code)', async () => {
    const { records } = await capture(
      (logging) =>
        logging.getLogger('x').info('keys sk_live_abcdef and ACME-1234-XYZ', { id: 'acme-9999-abc' }),
      { redaction: { patterns: ['sk_live_[a-z]+', /acme-\d{4}-[a-z]{3}/i] } },
    );
    assert.equal(records[0]?.body, 'keys [REDACTED] and [REDACTED]');
    assert.equal(records[0]?.attributes['id'], '[REDACTED]');
  });

  test('defaultPatterns: false keeps the key list but drops the built-in value patterns', async () => {
    const { records } = await capture(
      (logging) => logging.getLogger('x').info(`card ${CARD}`, { password: 'p' }),
      { redaction: { defaultPatterns: false } },
    );
    assert.equal(records[0]?.body, `card ${CARD}`);
    assert.equal(records[0]?.attributes['password'], '[REDACTED]');
  });
});

describe('secrets and limits', () => {
  test('card numbers inside longer digit runs are found; timestamps and long ids are not', async () => {
    const { records } = await capture((logging) => {
      const log = logging.getLogger('orders');
      log.info('card 4111 1111 1111 1111 2 items');
      log.info('qty 5 4111111111111111');
      log.info('id 41111111111111112 ts 1700000000000 order 5500-0000-0000-0004');
    });
    assert.deepEqual(
      records.map((record) => record.body),
      [
        'card [REDACTED] 2 items',
        'qty 5 [REDACTED]',
        'id 41111111111111112 ts 1700000000000 order [REDACTED]',
      ],
    );
  });

  test('a secret cut by the value length limit leaves no readable beginning', async () => {
    const jwtStart = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx';
    const { records } = await capture(
      (logging) =>
        logging.getLogger('x').info('m', {
          bearer: `${'a'.repeat(24)} Bearer abcdefghij`,
          jwt: `${'a'.repeat(7)} ${jwtStart}`,
          card: `${'a'.repeat(16)}4111 1111 1111 1111`,
          clean: 'z'.repeat(40),
        }),
      { limits: { attributeValueLengthLimit: 32 } },
    );
    const attributes = records[0]?.attributes ?? {};
    assert.equal(attributes['bearer'], `${'a'.repeat(24)} Bearer `);
    assert.equal(attributes['jwt'], `${'a'.repeat(7)} `);
    assert.equal(attributes['card'], 'a'.repeat(16));
    assert.equal(attributes['clean'], 'z'.repeat(32));
  });

  test('a body cut at 64 KiB loses the beginning of a secret at the cut too', async () => {
    const body = `${'b'.repeat(65_536 - 12)} Bearer abcdefghijklmnop`;
    const { records } = await capture((logging) => logging.getLogger('x').info(body));
    assert.equal(records[0]?.body, `${'b'.repeat(65_536 - 12)} Bearer `);
  });
});

describe('structured bodies from the OTel Logs API', () => {
  test('strings in a structured body are bounded by the value length limit, and secrets at the cut go too', async () => {
    const { records } = await capture(
      (logging) =>
        logging.loggerProvider.getLogger('raw').emit({
          body: { text: 'x'.repeat(100), nested: [`${'y'.repeat(20)} Bearer abcdefghijklmnop`] },
        }),
      { limits: { attributeValueLengthLimit: 32 } },
    );
    assert.deepEqual(records[0]?.body, { text: 'x'.repeat(32), nested: [`${'y'.repeat(20)} Bearer `] });
  });
});

describe('hash mode', () => {
  test('equal secrets get equal keyed hashes; different keys give different hashes; nothing is revealed', async () => {
    const hashKey = 'a-long-enough-shared-key';
    const emit = (logging: Logging): void => {
      const log = logging.getLogger('auth');
      log.info('a', { password: 'hunter2', other: { password: 'hunter2' } });
      log.info('b', { password: 'different', note: `Bearer ${'x'.repeat(20)}` });
    };
    const first = await capture(emit, { redaction: { mode: 'hash', hashKey } });
    const again = await capture(emit, { redaction: { mode: 'hash', hashKey } });
    const otherKey = await capture(emit, { redaction: { mode: 'hash', hashKey: 'another-long-enough-key' } });
    const hashOf = (records: ReadableLogRecord[], index: number): unknown =>
      records[index]?.attributes['password'];
    assert.match(String(hashOf(first.records, 0)), /^\[REDACTED:hmac:[0-9a-f]{16}\]$/);
    assert.equal(
      hashOf(first.records, 0),
      (first.records[0]?.attributes['other'] as { password: unknown }).password,
    );
    assert.notEqual(hashOf(first.records, 0), hashOf(first.records, 1));
    assert.equal(
      hashOf(first.records, 0),
      hashOf(again.records, 0),
      'same key: correlatable across pipelines',
    );
    assert.notEqual(hashOf(first.records, 0), hashOf(otherKey.records, 0));
    assert.match(String(first.records[1]?.attributes['note']), /^Bearer \[REDACTED:hmac:[0-9a-f]{16}\]$/);
    assert.doesNotMatch(
      JSON.stringify(first.records.map((record) => record.attributes)),
      /hunter2|different|xxxx/,
    );
  });

  test('a token hashes the same under an authorization key as inside a message', async () => {
    const { records } = await capture(
      (logging) => {
        const log = logging.getLogger('http');
        log.info('outgoing', { 'http.request.header.authorization': 'Bearer tok-abcdefghijklmnop' });
        log.info('retrying with Bearer tok-abcdefghijklmnop');
      },
      { redaction: { mode: 'hash', hashKey: 'correlation-key-0123456789' } },
    );
    const fromKey = String(records[0]?.attributes['http.request.header.authorization']);
    assert.match(fromKey, /^Bearer \[REDACTED:hmac:[0-9a-f]{16}\]$/);
    assert.equal(records[1]?.body, `retrying with ${fromKey}`);
  });

  test('LOGWEAVE_REDACTION_MODE and LOGWEAVE_REDACTION_HASH_KEY configure hashing', async () => {
    const emit = (logging: Logging): void => logging.getLogger('x').info('a', { token: 't' });
    const env = { LOGWEAVE_REDACTION_MODE: 'hash', LOGWEAVE_REDACTION_HASH_KEY: 'k'.repeat(32) };
    const one = await capture(emit, { env });
    const two = await capture(emit, { env });
    assert.match(String(one.records[0]?.attributes['token']), /^\[REDACTED:hmac:/);
    assert.equal(one.records[0]?.attributes['token'], two.records[0]?.attributes['token']);
  });
});

describe('switching redaction off', () => {
  test('enabled: false and LOGWEAVE_REDACTION=false keep values as they are', async () => {
    const emit = (logging: Logging): void =>
      logging.getLogger('x').info(`Bearer ${'y'.repeat(20)}`, { password: 'p' });
    for (const options of [{ redaction: { enabled: false } }, { env: { LOGWEAVE_REDACTION: 'false' } }]) {
      const { records, redacted } = await capture(emit, options);
      assert.equal(records[0]?.body, `Bearer ${'y'.repeat(20)}`);
      assert.equal(records[0]?.attributes['password'], 'p');
      assert.equal(redacted, 0);
    }
  });
});

describe('records that did not come through the facade', () => {
  test('records emitted through the OTel Logs API (as pino/winston instrumentations do) are redacted too', async () => {
    const { records } = await capture((logging) => {
      const otelLogger = logging.loggerProvider.getLogger('pino');
      otelLogger.emit({
        body: { msg: 'login', headers: { authorization: `Bearer ${JWT}` } },
        attributes: { 'http.request.header.authorization': 'Bearer abcdefgh12345678', note: JWT },
      });
    });
    assert.deepEqual(records[0]?.body, { msg: 'login', headers: { authorization: 'Bearer [REDACTED]' } });
    assert.equal(records[0]?.attributes['http.request.header.authorization'], 'Bearer [REDACTED]');
    assert.equal(records[0]?.attributes['note'], '[REDACTED]');
  });
});
