/**
 * The transcript of a run as it grows: every message the proxy forwards or the harness sends, in
 * the order seen, with a way to wait for the next entry.
 */
import { payloadName } from "./template.js";
import type { Role, TranscriptEntry } from "./types.js";

/** What a recorder is told about one message. */
export interface Observed {
  readonly from: Role;
  readonly to: Role;
  readonly direction: "request" | "response";
  readonly inReplyTo?: number;
  readonly http: TranscriptEntry["http"];
  readonly body: string;
  readonly step?: string;
}

/** An append-only transcript; `changed()` resolves at the next append. */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private waiters: (() => void)[] = [];
  private closed = false;

  /**
   * Ends the transcript: what the players exchange while they are being stopped is not part of
   * the scenario (a VEN's last poll may meet a VTN already gone).
   */
  close(): void {
    this.closed = true;
  }

  /** Appends a message with the next seq and the current time; returns the entry (not kept once closed). */
  add(m: Observed): TranscriptEntry {
    const payload = payloadName(m.body);
    const entry: TranscriptEntry = {
      seq: this.closed ? 0 : this.entries.length + 1,
      at: new Date().toISOString(),
      from: m.from,
      to: m.to,
      direction: m.direction,
      ...(m.inReplyTo !== undefined ? { inReplyTo: m.inReplyTo } : {}),
      http: m.http,
      ...(payload ? { payload } : {}),
      body: m.body,
      ...(m.step ? { step: m.step } : {}),
    };
    if (this.closed) return entry;
    this.entries.push(entry);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
    return entry;
  }

  /** Marks an entry as sent or matched by a step. */
  tag(seq: number, step: string): void {
    const e = this.entries[seq - 1];
    if (e && !e.step) this.entries[seq - 1] = { ...e, step };
  }

  /** The answer recorded to request `seq`, if any yet. */
  responseTo(seq: number): TranscriptEntry | undefined {
    return this.entries.find((e) => e.direction === "response" && e.inReplyTo === seq);
  }

  /** Resolves at the next append or after `ms`, whichever is first. */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.waiters.push(done);
    });
  }
}
