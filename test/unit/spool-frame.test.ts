import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  contentTypeOf,
  decodeSegment,
  deliveredMarker,
  encodeFrame,
  FRAME_HEADER_BYTES,
} from '../../src/exporters/spool-frame.ts';

/** Fixed so that a failure replays the same inputs. */
const SEED = 0x5f001;

interface FrameInput {
  payload: Uint8Array;
  recordCount: number;
  json: boolean;
}

const frameInput = fc.record({
  payload: fc.uint8Array({ maxLength: 300 }),
  recordCount: fc.nat({ max: 0xffffffff }),
  json: fc.boolean(),
});

function segmentOf(inputs: readonly FrameInput[]): { data: Buffer; ends: number[] } {
  const frames = inputs.map((input) => encodeFrame(input.payload, input.recordCount, input.json));
  const ends: number[] = [];
  let end = 0;
  for (const frame of frames) ends.push((end += frame.length));
  return { data: Buffer.concat(frames), ends };
}

const SAMPLE: readonly FrameInput[] = [
  { payload: Buffer.from('{"resourceLogs":[]}'), recordCount: 3, json: true },
  { payload: Buffer.from([0x0a, 0x00, 0xff, 0x10]), recordCount: 7, json: false },
  { payload: new Uint8Array(0), recordCount: 0, json: true },
  { payload: Buffer.from('last'), recordCount: 1, json: false },
];

describe('spool frames: encode and decode', () => {
  test('any sequence of frames decodes to the same payloads, counts, content types and offsets', () => {
    fc.assert(
      fc.property(fc.array(frameInput, { maxLength: 8 }), (inputs) => {
        const { data, ends } = segmentOf(inputs);
        const decoded = decodeSegment(data);
        assert.deepEqual(
          { tornBytes: decoded.tornBytes, tornRecords: decoded.tornRecords },
          { tornBytes: 0, tornRecords: 0 },
        );
        assert.equal(decoded.frames.length, inputs.length);
        decoded.frames.forEach((frame, index) => {
          const input = inputs[index] as FrameInput;
          assert.deepEqual(new Uint8Array(frame.payload), input.payload);
          assert.equal(frame.recordCount, input.recordCount);
          assert.equal(frame.contentType, contentTypeOf(input.json));
          assert.equal(frame.offset, index === 0 ? 0 : ends[index - 1]);
          assert.equal(frame.size, FRAME_HEADER_BYTES + input.payload.byteLength);
          assert.equal(frame.delivered, false);
        });
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  test('the header is 20 bytes and the payload follows it unchanged', () => {
    const payload = Buffer.from('payload bytes');
    const frame = encodeFrame(payload, 42, false);
    assert.equal(frame.length, FRAME_HEADER_BYTES + payload.length);
    assert.deepEqual(frame.subarray(FRAME_HEADER_BYTES), payload);
    assert.equal(frame.readUInt32BE(8), 42, 'record count');
    assert.equal(frame.readUInt32BE(12), payload.length, 'payload length');
  });

  test('content types: JSON frames are application/json, the others protobuf', () => {
    assert.equal(contentTypeOf(true), 'application/json');
    assert.equal(contentTypeOf(false), 'application/x-protobuf');
  });

  test('an empty segment has no frames and nothing torn', () => {
    assert.deepEqual(decodeSegment(Buffer.alloc(0)), { frames: [], tornBytes: 0, tornRecords: 0 });
  });
});

describe('spool frames: torn tails', () => {
  test('a segment cut at every byte offset yields exactly the whole frames before the cut', () => {
    const { data, ends } = segmentOf(SAMPLE);
    for (let length = 0; length <= data.length; length++) {
      const decoded = decodeSegment(data.subarray(0, length));
      const whole = ends.filter((end) => end <= length).length;
      const intactEnd = whole === 0 ? 0 : (ends[whole - 1] as number);
      assert.equal(decoded.frames.length, whole, `cut at ${length}`);
      assert.equal(decoded.tornBytes, length - intactEnd, `cut at ${length}: torn bytes`);
      // The cut frame's record count is known once its whole header was written.
      const cut = SAMPLE[whole];
      const headerWritten = length - intactEnd >= FRAME_HEADER_BYTES;
      const expectedRecords =
        cut !== undefined && headerWritten && length < (ends[whole] as number) ? cut.recordCount : 0;
      assert.equal(decoded.tornRecords, expectedRecords, `cut at ${length}: torn records`);
    }
  });

  test('torn tails of random segments: the intact prefix always survives whole', () => {
    fc.assert(
      fc.property(fc.array(frameInput, { minLength: 1, maxLength: 5 }), fc.nat(), (inputs, cutSeed) => {
        const { data, ends } = segmentOf(inputs);
        const length = cutSeed % (data.length + 1);
        const decoded = decodeSegment(data.subarray(0, length));
        const whole = ends.filter((end) => end <= length).length;
        assert.equal(decoded.frames.length, whole);
        assert.equal(decoded.tornBytes, length - (whole === 0 ? 0 : (ends[whole - 1] as number)));
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  test('bytes after the last frame that are not a frame (garbage, zeros) are torn, never sent', () => {
    const { data, ends } = segmentOf(SAMPLE.slice(0, 2));
    for (const tail of [
      Buffer.alloc(64),
      Buffer.from('not a frame at all, but long enough'),
      Buffer.from([0x4c]),
    ]) {
      const decoded = decodeSegment(Buffer.concat([data, tail]));
      assert.equal(decoded.frames.length, 2);
      assert.equal(decoded.tornBytes, tail.length);
      assert.equal(decoded.tornRecords, 0, 'no readable header, no announced records');
      assert.equal(ends[1], data.length);
    }
  });
});

describe('spool frames: damage is detected by the CRC', () => {
  test('flipping any single bit of a frame makes it (and what follows) undecodable', () => {
    const { data, ends } = segmentOf(SAMPLE.slice(0, 2));
    const secondStart = ends[0] as number;
    for (let bit = 0; bit < (data.length - secondStart) * 8; bit++) {
      const damaged = Buffer.from(data);
      const index = secondStart + (bit >> 3);
      damaged[index] = (damaged[index] as number) ^ (1 << (bit & 7));
      const decoded = decodeSegment(damaged);
      assert.equal(decoded.frames.length, 1, `bit ${bit}: only the first frame is intact`);
      assert.equal(decoded.tornBytes, data.length - secondStart, `bit ${bit}`);
    }
  });

  test('a damaged first frame hides the intact frames after it (decoding stops at the damage)', () => {
    const { data } = segmentOf(SAMPLE);
    const damaged = Buffer.from(data);
    damaged[FRAME_HEADER_BYTES] = (damaged[FRAME_HEADER_BYTES] as number) ^ 0xff;
    const decoded = decodeSegment(damaged);
    assert.equal(decoded.frames.length, 0);
    assert.equal(decoded.tornBytes, data.length);
    assert.equal(
      decoded.tornRecords,
      SAMPLE[0]?.recordCount,
      'its header still says how many records were lost',
    );
  });

  test('a length that points past the end is torn, not read out of bounds', () => {
    const frame = encodeFrame(Buffer.from('abc'), 5, true);
    frame.writeUInt32BE(0xffffffff, 12);
    assert.deepEqual(decodeSegment(frame), { frames: [], tornBytes: frame.length, tornRecords: 5 });
  });
});

describe('spool frames: delivered markers', () => {
  test('the marker rewrites only the magic: the frame stays intact and reads as delivered', () => {
    const { data, ends } = segmentOf(SAMPLE);
    const marked = Buffer.from(data);
    const marker = deliveredMarker();
    assert.equal(marker.length, 4);
    marker.copy(marked, ends[0] as number); // the second frame
    const decoded = decodeSegment(marked);
    assert.deepEqual(
      decoded.frames.map((frame) => frame.delivered),
      [false, true, false, false],
    );
    assert.deepEqual(Buffer.from(decoded.frames[1]?.payload ?? []), Buffer.from(SAMPLE[1]?.payload ?? []));
    assert.equal(decoded.tornBytes, 0);
    const at = ends[0] as number;
    assert.deepEqual(marked.subarray(0, at), data.subarray(0, at), 'nothing before the marker changed');
    assert.deepEqual(marked.subarray(at + 4), data.subarray(at + 4), 'nothing after the marker changed');
  });

  test('marking every frame delivered keeps every frame readable', () => {
    fc.assert(
      fc.property(fc.array(frameInput, { minLength: 1, maxLength: 6 }), (inputs) => {
        const { data, ends } = segmentOf(inputs);
        const marked = Buffer.from(data);
        for (const start of [0, ...ends.slice(0, -1)]) deliveredMarker().copy(marked, start);
        const decoded = decodeSegment(marked);
        assert.equal(decoded.frames.length, inputs.length);
        assert.ok(decoded.frames.every((frame) => frame.delivered));
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});
