/**
 * The durable store: one append-only file of frames, with group commit. A frame is
 *
 *   u32 length (of type + payload, little-endian) | u32 CRC-32 (of type + payload) | u8 type | payload
 *
 * Appends queue while a write is in flight; each flush writes the whole queue with one write and
 * one fdatasync, then acknowledges every append in it: an acknowledged append is on disk. On open
 * the frames are scanned: a damaged or short frame at the end of the file is a torn last write
 * (never acknowledged) and is cut off; damage followed by intact data is corruption and is
 * refused (`store-corrupt`), never dropped silently.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { fail } from "./errors.js";

const HEADER = 8;
/** Largest frame payload (a record is at most 256 KiB; proofs hold two). */
const MAX_FRAME = 1024 * 1024;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3) of bytes. */
export function crc32(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let c = -1;
  for (let i = from; i < to; i++)
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** One frame as read back. */
export interface Frame {
  readonly offset: number;
  readonly type: number;
  readonly payload: Buffer;
}

/** What opening found. */
export interface ScanResult {
  readonly frames: number;
  /** bytes cut from a torn tail (0 when the file ended cleanly) */
  readonly truncated: number;
}

interface Pending {
  readonly frame: Buffer;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/** An append-only frame log with group commit. */
export class FrameLog {
  private size: number;
  /** end of what is written or being written */
  private writePos: number;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private broken: Error | undefined;
  private closed = false;
  /** frames written but not yet durable, by offset (reads see them) */
  private readonly unflushed = new Map<number, Buffer>();
  /** number of flushes (each one write + one fdatasync), for the benchmarks */
  flushes = 0;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly handle: FileHandle,
    size: number,
  ) {
    this.size = size;
    this.writePos = size;
  }

  /**
   * Opens (creating it when `create`) the log, calls `onFrame` for every intact frame in order,
   * and cuts a torn tail. Throws `store-corrupt` for damage before the tail.
   */
  static async open(
    path: string,
    onFrame: (f: Frame) => void,
    options: { create?: boolean } = {},
  ): Promise<{ log: FrameLog; scan: ScanResult }> {
    let fd: number;
    try {
      fd = openSync(path, options.create ? "a+" : "r+");
      closeSync(fd);
      fd = openSync(path, "r+");
    } catch (e) {
      return fail("store-unavailable", path, `cannot open the log: ${(e as Error).message}`);
    }
    const fileSize = fstatSync(fd).size;
    let scan: { end: number; frames: number };
    try {
      scan = scanFrames(fd, fileSize, onFrame);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    if (scan.end < fileSize) {
      ftruncateSync(fd, scan.end);
      fsyncSync(fd);
    }
    const handle = await open(path, "r+");
    return {
      log: new FrameLog(path, fd, handle, scan.end),
      scan: { frames: scan.frames, truncated: fileSize - scan.end },
    };
  }

  /** Bytes in the log, acknowledged or queued. */
  get length(): number {
    return this.size;
  }

  /**
   * Queues a frame; resolves with its offset once it is durable (written and fdatasync'ed).
   * The offset is assigned at once, in call order.
   */
  append(type: number, payload: Uint8Array): { offset: number; durable: Promise<void> } {
    if (this.closed) fail("store-unavailable", this.path, "the store is closed");
    if (this.broken !== undefined)
      fail("store-unavailable", this.path, `an earlier write failed: ${this.broken.message}`);
    if (payload.length + 1 > MAX_FRAME) fail("malformed", "", "a frame over 1 MiB");
    const frame = Buffer.allocUnsafe(HEADER + 1 + payload.length);
    frame[HEADER] = type;
    frame.set(payload, HEADER + 1);
    frame.writeUInt32LE(payload.length + 1, 0);
    frame.writeUInt32LE(crc32(frame, HEADER), 4);
    const offset = this.size;
    this.size += frame.length;
    this.unflushed.set(offset, frame);
    const durable = new Promise<void>((resolve, reject) => {
      this.queue.push({ frame, resolve, reject });
    });
    if (this.flushing === undefined) this.flushing = this.flush();
    return { offset, durable };
  }

  private async flush(): Promise<void> {
    // let the caller's synchronous loop queue more before the first write
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const data =
        batch.length === 1 ? (batch[0] as Pending).frame : Buffer.concat(batch.map((p) => p.frame));
      const at = this.writePos;
      this.writePos += data.length;
      try {
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await this.handle.write(
            data,
            written,
            data.length - written,
            at + written,
          );
          written += bytesWritten;
        }
        await this.handle.datasync();
        this.flushes++;
        let o = at;
        for (const p of batch) {
          this.unflushed.delete(o);
          o += p.frame.length;
        }
        for (const p of batch) p.resolve();
      } catch (e) {
        this.broken = e as Error;
        for (const p of [...batch, ...this.queue]) p.reject(e as Error);
        this.queue = [];
      }
    }
    this.flushing = undefined;
  }

  /** Waits until everything queued is durable. */
  async sync(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  /** Reads the frame at `offset` (durable or queued). */
  read(offset: number): Frame {
    const queued = this.unflushed.get(offset);
    if (queued !== undefined)
      return { offset, type: queued[HEADER] as number, payload: queued.subarray(HEADER + 1) };
    const head = Buffer.alloc(HEADER);
    readSync(this.fd, head, 0, HEADER, offset);
    const len = head.readUInt32LE(0);
    const body = Buffer.alloc(len);
    readSync(this.fd, body, 0, len, offset + HEADER);
    return { offset, type: body[0] as number, payload: body.subarray(1) };
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    await this.handle.close();
    closeSync(this.fd);
  }

  /** Writes raw bytes at the end without a frame (tests: simulate a torn write). */
  static appendRawForTest(path: string, bytes: Uint8Array): void {
    const fd = openSync(path, "a");
    writeSync(fd, bytes);
    closeSync(fd);
  }
}

const CHUNK = 8 * 1024 * 1024;

function scanFrames(
  fd: number,
  fileSize: number,
  onFrame: (f: Frame) => void,
): { end: number; frames: number } {
  const state = { end: 0, frames: 0 };
  for (const f of readFrames(fd, fileSize, state)) onFrame(f);
  return state;
}

/**
 * The intact frames of an open log file, in order. `state.end` ends at the end of the last intact
 * frame (a torn tail is left out); damage before the tail throws `store-corrupt`.
 */
export function* readFrames(
  fd: number,
  fileSize: number,
  state: { end: number; frames: number },
): Generator<Frame> {
  let buf = Buffer.alloc(0);
  let bufStart = 0; // file offset of buf[0]
  let pos = 0; // file offset of the next frame
  const chunk = Buffer.allocUnsafe(CHUNK);
  const fill = (need: number): boolean => {
    while (bufStart + buf.length < pos + need) {
      const at = bufStart + buf.length;
      if (at >= fileSize) return false;
      const n = readSync(fd, chunk, 0, Math.min(CHUNK, fileSize - at), at);
      if (n <= 0) return false;
      const keep = buf.subarray(pos - bufStart);
      buf = Buffer.concat([keep, chunk.subarray(0, n)]);
      bufStart = pos;
    }
    return true;
  };
  const tornTail = (): boolean => {
    // a torn write leaves a short frame or a zero-filled tail; anything else is corruption
    const rest = Buffer.alloc(Math.min(fileSize - pos, MAX_FRAME + HEADER));
    readSync(fd, rest, 0, rest.length, pos);
    const len = rest.length >= 4 ? rest.readUInt32LE(0) : 0;
    // short, or the last frame: a torn write (it was never acknowledged)
    if (rest.length < HEADER || pos + HEADER + len >= fileSize) return true;
    if (fileSize - pos > rest.length) return false;
    return rest.every((b) => b === 0);
  };
  while (pos < fileSize) {
    state.end = pos;
    if (!fill(HEADER)) return;
    const at = pos - bufStart;
    const len = buf.readUInt32LE(at);
    const crc = buf.readUInt32LE(at + 4);
    if (
      len === 0 ||
      len > MAX_FRAME ||
      !fill(HEADER + len) ||
      crc32(buf, pos - bufStart + HEADER, pos - bufStart + HEADER + len) !== crc
    ) {
      if (tornTail()) return;
      fail(
        "store-corrupt",
        `@${pos}`,
        `damaged frame at byte ${pos} of ${fileSize}, with data after it`,
      );
    }
    const s = pos - bufStart + HEADER;
    const frame = {
      offset: pos,
      type: buf[s] as number,
      payload: Buffer.from(buf.subarray(s + 1, s + len)),
    };
    state.frames++;
    pos += HEADER + len;
    state.end = pos;
    yield frame;
  }
}
