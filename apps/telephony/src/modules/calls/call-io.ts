import { randomUUID } from 'node:crypto';
import { AriHttpClient, ignoreGone } from '../ari/ari-http.client';
import type { IvrChannelPort } from '../flows/ivr.runner';

/** Thrown into whatever a call was waiting for when its caller is gone. */
export class CallGoneError extends Error {
  constructor(readonly callId: string) {
    super(`call ${callId} is gone`);
    this.name = 'CallGoneError';
  }
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * The caller's channel as the IVR and the queue see it: plays that resolve on PlaybackFinished, a
 * buffer of pressed keys, recordings that resolve on RecordingFinished. Fed by the stasis handler;
 * `close()` rejects every pending wait with CallGoneError.
 */
export class CallIo implements IvrChannelPort {
  private readonly digits: string[] = [];
  private digitWaiter: Waiter<string | undefined> | undefined;
  private readonly playbacks = new Map<string, Waiter<void>>();
  private readonly recordings = new Map<string, Waiter<string | undefined>>();
  private currentBargeIn: string | undefined;
  private closed = false;
  /** Keys that bypass the buffer (e.g. the queue's callback key). */
  digitListener: ((digit: string) => boolean) | undefined;

  constructor(
    private readonly ari: AriHttpClient,
    readonly callId: string,
    readonly channelId: string,
    private readonly clockNow: () => number,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  now(): Date {
    return new Date(this.clockNow());
  }

  async play(media: string[], options: { bargeIn?: boolean } = {}): Promise<void> {
    this.assertOpen();
    if (options.bargeIn && this.digits.length > 0) return;
    const playbackId = `pb-${randomUUID()}`;
    const done = new Promise<void>((resolve, reject) => this.playbacks.set(playbackId, { resolve, reject }));
    if (options.bargeIn) this.currentBargeIn = playbackId;
    try {
      await this.ari.play(this.channelId, playbackId, media);
    } catch (error) {
      this.playbacks.delete(playbackId);
      if (this.closed) throw new CallGoneError(this.callId);
      throw error;
    }
    try {
      await done;
    } finally {
      if (this.currentBargeIn === playbackId) this.currentBargeIn = undefined;
    }
  }

  nextDigit(timeoutMs: number): Promise<string | undefined> {
    this.assertOpen();
    const buffered = this.digits.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    return new Promise<string | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.digitWaiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.digitWaiter = {
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  async record(maxSeconds: number): Promise<string | undefined> {
    this.assertOpen();
    const name = `msg-${this.callId}-${randomUUID().slice(0, 8)}`;
    const done = new Promise<string | undefined>((resolve, reject) =>
      this.recordings.set(name, { resolve, reject }),
    );
    await this.ari.recordChannel(this.channelId, name, maxSeconds);
    return done;
  }

  onDigit(digit: string): void {
    if (this.closed) return;
    if (this.digitListener?.(digit)) return;
    if (this.currentBargeIn) {
      // A key during a menu prompt stops it: callers who know the menu need not hear it out.
      void ignoreGone(this.ari.stopPlayback(this.currentBargeIn)).catch(() => undefined);
      this.currentBargeIn = undefined;
    }
    const waiter = this.digitWaiter;
    if (waiter) {
      this.digitWaiter = undefined;
      waiter.resolve(digit);
    } else {
      this.digits.push(digit);
    }
  }

  /** True when the playback belonged to this call. */
  onPlaybackFinished(playbackId: string): boolean {
    const waiter = this.playbacks.get(playbackId);
    if (!waiter) return false;
    this.playbacks.delete(playbackId);
    waiter.resolve();
    return true;
  }

  onRecordingFinished(name: string, ok: boolean): boolean {
    const waiter = this.recordings.get(name);
    if (!waiter) return false;
    this.recordings.delete(name);
    waiter.resolve(ok ? name : undefined);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const gone = new CallGoneError(this.callId);
    this.digitWaiter?.reject(gone);
    this.digitWaiter = undefined;
    for (const w of this.playbacks.values()) w.reject(gone);
    this.playbacks.clear();
    // A message recording ends with the hang-up: keep what was said.
    for (const [name, w] of this.recordings) w.resolve(name);
    this.recordings.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new CallGoneError(this.callId);
  }
}
