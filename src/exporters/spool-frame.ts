import { crc32 } from 'node:zlib';

/*
 * One spooled batch on disk:
 *   magic u32 | flags u32 | recordCount u32 | payloadLength u32 | crc32 u32 | payload
 * The CRC covers flags, count, length and payload, so a frame cut short by a crash (or
 * damaged later) is recognised and never sent. `magic` is rewritten in place once a frame was
 * delivered during replay, so a restart skips it without a separate progress file.
 */
export const FRAME_HEADER_BYTES = 20;
const MAGIC_PENDING = 0x4c575331; // "LWS1"
const MAGIC_DELIVERED = 0x4c575344; // "LWSD"
const FLAG_JSON = 1;

export interface SpoolFrame {
  /** Offset of the frame in its segment file. */
  offset: number;
  /** Bytes the frame occupies, header included. */
  size: number;
  recordCount: number;
  contentType: string;
  payload: Buffer;
  delivered: boolean;
}

/** Content type of an OTLP body, as the receiver expects it. */
export function contentTypeOf(json: boolean): string {
  return json ? 'application/json' : 'application/x-protobuf';
}

export function encodeFrame(payload: Uint8Array, recordCount: number, json: boolean): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  frame.writeUInt32BE(MAGIC_PENDING, 0);
  frame.writeUInt32BE(json ? FLAG_JSON : 0, 4);
  frame.writeUInt32BE(recordCount, 8);
  frame.writeUInt32BE(payload.byteLength, 12);
  frame.set(payload, FRAME_HEADER_BYTES);
  frame.writeUInt32BE(checksum(frame), 16);
  return frame;
}

function checksum(frame: Buffer): number {
  const covered = crc32(frame.subarray(4, 16));
  return crc32(frame.subarray(FRAME_HEADER_BYTES), covered);
}

/** The 4 bytes to write at a frame's offset to mark it delivered. */
export function deliveredMarker(): Buffer {
  const marker = Buffer.allocUnsafe(4);
  marker.writeUInt32BE(MAGIC_DELIVERED, 0);
  return marker;
}

export interface DecodedSegment {
  frames: SpoolFrame[];
  /** Bytes after the last intact frame (a torn or damaged tail), never sent. */
  tornBytes: number;
  /** Records announced by a damaged frame's header, when it was readable; 0 otherwise. */
  tornRecords: number;
}

/** Splits a segment into intact frames; stops at the first torn or damaged one. */
export function decodeSegment(data: Buffer): DecodedSegment {
  const frames: SpoolFrame[] = [];
  let offset = 0;
  while (offset < data.length) {
    const rest = data.length - offset;
    if (rest < FRAME_HEADER_BYTES) return { frames, tornBytes: rest, tornRecords: 0 };
    const magic = data.readUInt32BE(offset);
    if (magic !== MAGIC_PENDING && magic !== MAGIC_DELIVERED)
      return { frames, tornBytes: rest, tornRecords: 0 };
    const flags = data.readUInt32BE(offset + 4);
    const recordCount = data.readUInt32BE(offset + 8);
    const length = data.readUInt32BE(offset + 12);
    const size = FRAME_HEADER_BYTES + length;
    if (size > rest) return { frames, tornBytes: rest, tornRecords: recordCount };
    const frame = data.subarray(offset, offset + size);
    if (data.readUInt32BE(offset + 16) !== checksum(frame)) {
      return { frames, tornBytes: rest, tornRecords: recordCount };
    }
    frames.push({
      offset,
      size,
      recordCount,
      contentType: contentTypeOf((flags & FLAG_JSON) !== 0),
      payload: frame.subarray(FRAME_HEADER_BYTES),
      delivered: magic === MAGIC_DELIVERED,
    });
    offset += size;
  }
  return { frames, tornBytes: 0, tornRecords: 0 };
}
