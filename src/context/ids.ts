import { randomBytes } from 'node:crypto';

/*
 * Random ids come from a pooled buffer: one randomBytes call serves 512 span ids, which keeps
 * id generation off the per-request profile (crypto.randomBytes per id costs ~1 µs).
 */
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function takeHex(byteCount: number): string {
  if (offset + byteCount > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + byteCount);
  offset += byteCount;
  return hex;
}

const ALL_ZERO = /^0+$/;

/** A random 16-byte W3C trace id, never all zeros. */
export function generateTraceId(): string {
  let id = takeHex(16);
  while (ALL_ZERO.test(id)) id = takeHex(16);
  return id;
}

/** A random 8-byte W3C span id, never all zeros. */
export function generateSpanId(): string {
  let id = takeHex(8);
  while (ALL_ZERO.test(id)) id = takeHex(8);
  return id;
}
