import fc from 'fast-check';

/**
 * Records with secrets in them, for the fuzz tests. Every secret is high-entropy, so finding it
 * (or a long piece of it) in exported bytes means it leaked. Secrets sit between delimiters,
 * as they do in real text: a token glued to a word (`xBearer`) is a different string.
 */

/** Seed for every fuzz test; set LOGWEAVE_FUZZ_SEED to replay a failure fast-check printed. */
export const FUZZ_SEED = Number(process.env['LOGWEAVE_FUZZ_SEED'] ?? 20_261_121);

/** A generated record and the secret strings it carries (each must be absent from the output). */
export interface SecretRecord {
  message: string;
  attributes: Record<string, unknown>;
  error: Error | undefined;
  secrets: string[];
  /** A non-secret marker that must arrive, so a test cannot pass by losing everything. */
  visible: string;
}

const BASE64URL = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
const base64url = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: min, maxLength: max });
const hex = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** A 16-digit number starting with 4 or 5 whose last digit makes it pass the Luhn check. */
const cardDigits: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('4', '51', '52', '55'),
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 14, maxLength: 14 }),
  )
  .map(([prefix, rest]) => {
    const body = (prefix + rest).slice(0, 15);
    let sum = 0;
    for (let index = 0; index < 15; index++) {
      let digit = Number(body[14 - index]);
      if (index % 2 === 0) {
        digit *= 2;
        if (digit > 9) digit -= 9;
      }
      sum += digit;
    }
    return body + String((10 - (sum % 10)) % 10);
  });

interface TextSecret {
  text: string;
  secrets: string[];
}

const bearer: fc.Arbitrary<TextSecret> = fc
  .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER'), fc.constantFrom(' ', '  ', '\t'), base64url(20, 64))
  .map(([scheme, space, token]) => ({ text: `${scheme}${space}${token}`, secrets: [token] }));

const jwt: fc.Arbitrary<TextSecret> = fc
  .tuple(base64url(16, 40), base64url(16, 80), base64url(22, 43))
  .map(([header, payload, signature]) => {
    const token = `eyJ${header}.eyJ${payload}.${signature}`;
    return { text: token, secrets: [`${header}.eyJ${payload}`, signature] };
  });

const card: fc.Arbitrary<TextSecret> = fc
  .tuple(cardDigits, fc.constantFrom('', ' ', '-'))
  .map(([digits, separator]) => {
    const text = separator === '' ? digits : (digits.match(/\d{4}/g) ?? []).join(separator);
    return { text, secrets: [text, digits] };
  });

const assignment: fc.Arbitrary<TextSecret> = fc
  .tuple(
    fc.constantFrom('password', 'access_token', 'api_key', 'client_secret', 'Authorization', 'refresh_token'),
    fc.constantFrom('=', ': ', '":"', '='),
    fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 20, maxLength: 40 }),
  )
  .map(([key, separator, value]) => ({ text: `${key}${separator}${value}`, secrets: [value] }));

const textSecret = fc.oneof(bearer, jwt, card, assignment);

/** Filler text, including control characters, quotes, non-ASCII and lone surrogates. */
const filler = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    'user logged in',
    'GET /api/orders?id=7',
    '{"a":1}',
    'Authorization',
    'token',
    '\r\n',
    '\u2028',
  ),
);

/** Text with secrets between spaces, as they appear in messages and values. */
const textWithSecrets: fc.Arbitrary<TextSecret> = fc
  .tuple(filler, fc.array(fc.tuple(textSecret, filler), { minLength: 1, maxLength: 3 }))
  .map(([head, parts]) => ({
    text: [head, ...parts.flatMap(([secret, tail]) => [secret.text, tail])].join(' '),
    secrets: parts.flatMap(([secret]) => secret.secrets),
  }));

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'Set-Cookie',
  'password',
  'PASSWORD',
  'passwd',
  'secret',
  'token',
  'api_key',
  'apiKey',
  'X-Api-Key',
  'access_token',
  'refreshToken',
  'client_secret',
  'http.request.header.authorization',
  'db.password',
  'stripeSecret',
];

/** A value stored under a secret key: all of it is secret, whatever its shape. */
const keyedSecretValue: fc.Arbitrary<{ value: unknown; secrets: string[] }> = fc.oneof(
  hex(24).map((secret) => ({ value: `s-${secret}`, secrets: [`s-${secret}`] })),
  fc.array(hex(24), { minLength: 1, maxLength: 3 }).map((list) => ({ value: list, secrets: list })),
  fc.tuple(hex(24), hex(24)).map(([a, b]) => ({ value: { nested: a, deeper: { b } }, secrets: [a, b] })),
);

const plainKey = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz._'),
  minLength: 1,
  maxLength: 12,
});

interface Entry {
  key: string;
  value: unknown;
  secrets: string[];
}

const entry: fc.Arbitrary<Entry> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...SECRET_KEYS), keyedSecretValue)
    .map(([key, { value, secrets }]) => ({ key, value, secrets })),
  fc
    .tuple(plainKey, textWithSecrets)
    .map(([key, { text, secrets }]) => ({ key: `v_${key}`, value: text, secrets })),
  fc
    .tuple(plainKey, fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()))
    .map(([key, value]) => ({
      key: `p_${key}`,
      value,
      secrets: [],
    })),
);

/** Entries nested into objects and arrays up to `depth` levels, as request bodies are. */
const nestedEntries: fc.Arbitrary<Entry[]> = fc.letrec<{ entries: Entry[] }>((tie) => ({
  entries: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(entry, { maxLength: 4 }),
    fc.tuple(plainKey, tie('entries'), fc.boolean()).map(([key, inner, asArray]) => {
      const object: Record<string, unknown> = {};
      for (const item of inner) object[item.key] = item.value;
      return [
        {
          key: `n_${key}`,
          value: asArray ? [object] : object,
          secrets: inner.flatMap((item) => item.secrets),
        },
      ];
    }),
  ),
})).entries;

/** A whole record: message, attributes (some nested), maybe an error, and its secrets. */
export const secretRecord: fc.Arbitrary<SecretRecord> = fc
  .tuple(
    textWithSecrets,
    fc.array(nestedEntries, { minLength: 1, maxLength: 3 }),
    fc.option(textWithSecrets, { nil: undefined }),
    hex(12),
  )
  .map(([message, groups, errorText, marker]) => {
    const attributes: Record<string, unknown> = {};
    const secrets = [...message.secrets];
    for (const group of groups) {
      for (const item of group) {
        // Keys are unique per record so no secret is overwritten (and so unseen) by a later one.
        let key = item.key;
        while (Object.hasOwn(attributes, key)) key = `${key}_`;
        attributes[key] = item.value;
        secrets.push(...item.secrets);
      }
    }
    const visible = `visible-${marker}`;
    attributes['marker'] = visible;
    let error: Error | undefined;
    if (errorText !== undefined) {
      error = new Error(`request failed: ${errorText.text}`, { cause: new Error(`inner ${errorText.text}`) });
      secrets.push(...errorText.secrets);
    }
    return { message: message.text, attributes, error, secrets, visible };
  });
