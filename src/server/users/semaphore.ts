/** What a gate reports: running now, waiting now, and the most that ever ran at once (for tests and metrics). */
export interface GateStats {
  active: number;
  queued: number;
  peak: number;
}

/** Runs async work at most `concurrency` at a time, with at most `queue` callers waiting for a turn. */
export interface Gate {
  /** Runs `fn` when a slot is free; throws `full()` at once when every slot is taken and the queue is full. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  stats(): GateStats;
}

/**
 * A counting semaphore with a bounded FIFO queue. Password hashing goes through one: each scrypt takes a thread of
 * libuv's small pool and tens of MiB for tens of milliseconds, so a burst of sign-in attempts would otherwise take
 * every thread (file and DNS work wait behind them) and make every reader's sign-in slow. Bounded waiting means a
 * burst beyond the queue is refused quickly rather than piling up requests and memory.
 */
export function boundedGate(opts: { concurrency: number; queue: number; full: () => Error }): Gate {
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  if (!Number.isInteger(opts.queue) || opts.queue < 0) throw new RangeError('queue must be a non-negative integer');
  let active = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    // The slot passes straight to the next caller, so `active` never dips and a newcomer cannot jump the queue.
    if (next) next();
    else active--;
  };

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active < opts.concurrency) {
        active++;
        peak = Math.max(peak, active);
      } else {
        if (waiting.length >= opts.queue) throw opts.full();
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      try {
        return await fn();
      } finally {
        release();
      }
    },
    stats: () => ({ active, queued: waiting.length, peak }),
  };
}
