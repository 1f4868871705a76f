import type { Readable } from 'node:stream';

/** One line of input, without its line terminator. */
export interface InputLine {
  /** The line's text; '' when it was skipped for being too long. */
  readonly text: string;
  /** 1-based. */
  readonly number: number;
  /** Set when the line was longer than the limit and skipped: its length in bytes. */
  readonly tooLongBytes?: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines as it arrives, holding at most `maxLineBytes` of one line:
 * a longer line (a corrupt file without newlines, say) is skipped to its end and reported,
 * never buffered whole. CRLF endings are accepted; a last line without a newline is returned.
 */
export async function* readLines(stream: Readable, maxLineBytes: number): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let held = 0;
  // Bytes of the current line seen so far once it went past the limit (0: within the limit).
  let skipped = 0;
  let number = 0;

  const take = (tail: Buffer): InputLine => {
    number += 1;
    const total = skipped > 0 ? skipped + tail.length : held + tail.length;
    let line: InputLine;
    if (skipped > 0 || total > maxLineBytes) {
      line = { text: '', number, tooLongBytes: total };
    } else {
      const bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
      const end =
        bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
      line = { text: bytes.toString('utf8', 0, end), number };
    }
    parts = [];
    held = 0;
    skipped = 0;
    return line;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      yield take(chunk.subarray(start, newline));
      start = newline + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) continue;
    if (skipped > 0) {
      skipped += rest.length;
    } else if (held + rest.length > maxLineBytes) {
      skipped = held + rest.length;
      parts = [];
      held = 0;
    } else {
      // Copied: a stream may reuse the memory of the chunks it hands out.
      parts.push(Buffer.from(rest));
      held += rest.length;
    }
  }
  if (held > 0 || skipped > 0) yield take(Buffer.alloc(0));
}
