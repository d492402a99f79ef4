import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr, shown only on a terminal: stdout stays clean for summaries and exports, and logs of
 * scripted runs get no control characters.
 */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label.padEnd(10)} [{bar}] {percentage}% | {value}/{total} MB | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
  return {
    update(done, total) {
      if (!started) {
        bar.start(mb(total), 0);
        started = true;
      }
      bar.update(mb(done));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
