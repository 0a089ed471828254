// Progress from the core's channels: the core already throttles, and the window keeps its own updates cheap.
import { Channel } from "@tauri-apps/api/core";
import type { Progress } from "../bindings";

/** The channel a long job reports on, its reports passed to `apply` through `throttleProgress`. */
export function progressChannel(apply: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = throttleProgress(apply);
  return channel;
}

/**
 * The channel of a job that reports for several servers at once (`current` = the server): each server's reports are
 * throttled on their own, so every bar moves.
 */
export function progressChannelPer(apply: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  const throttles = new Map<string, (p: Progress) => void>();
  channel.onmessage = (p) => {
    const key = p.current ?? "";
    let throttled = throttles.get(key);
    if (!throttled) {
      throttled = throttleProgress(apply);
      throttles.set(key, throttled);
    }
    throttled(p);
  };
  return channel;
}

/**
 * Passes progress reports on at most once per `ms`, but always a new stage and the final "done" (so the bar never
 * stays behind the work).
 */
export function throttleProgress(apply: (p: Progress) => void, ms = 100, now: () => number = () => performance.now()): (p: Progress) => void {
  let last = Number.NEGATIVE_INFINITY;
  let stage: Progress["stage"] | undefined;
  return (p) => {
    const t = now();
    if (t - last >= ms || p.stage === "done" || p.stage !== stage) {
      last = t;
      stage = p.stage;
      apply(p);
    }
  };
}

/** How fast the current stage goes, and how long it has left (presentation of the successive reports). */
export type Rate = { bytesPerSecond: number; secondsLeft: number | null };

/**
 * Measures the rate of a long job from its progress reports: over the last `windowMs` of the current stage (a new
 * stage starts again), so a pause or a burst fades out.
 */
export class RateMeter {
  private samples: { t: number; done: number }[] = [];
  private stage: Progress["stage"] | undefined;

  constructor(private readonly windowMs = 5000) {}

  /** Adds a report received at `t` (ms); the rate once two reports of the stage are apart in time. */
  push(p: Progress, t: number): Rate | undefined {
    if (p.stage !== this.stage || (this.samples.length > 0 && p.done < this.samples[this.samples.length - 1].done)) {
      this.stage = p.stage;
      this.samples = [];
    }
    this.samples.push({ t, done: p.done });
    while (this.samples.length > 2 && t - this.samples[1].t >= this.windowMs) this.samples.shift();
    if (p.stage === "done") return undefined;
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    const bytes = p.done - first.done;
    if (dt <= 0 || bytes <= 0) return undefined;
    const bytesPerSecond = bytes / dt;
    const total = p.total ?? 0;
    return { bytesPerSecond, secondsLeft: total > p.done ? (total - p.done) / bytesPerSecond : total > 0 ? 0 : null };
  }
}
