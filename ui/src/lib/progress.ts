// Progress from the core's channels: the core already throttles, and the window keeps its own updates cheap.
import type { Progress } from "../bindings";

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
