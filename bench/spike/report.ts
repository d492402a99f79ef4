// The spike benchmark's table: for each N, the phase alone beside the spike, their ratio, and the issue's targets
// (issue 20), met or not. Rows follow the issue's own table so the two can be read side by side.
import type { PhaseResult } from './phase.js';

export type Kind = 'sqlite' | 'postgres';

interface Row {
  what: string;
  alone: string;
  spike: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

const n = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '–');
const ms = (x: number) => (!Number.isFinite(x) ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);
const ratio = (a: number, b: number) => {
  const r = b / a;
  if (!Number.isFinite(r)) return '–';
  return `×${r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}`;
};
const reads = (p: PhaseResult) => `${n(p.reads.requestsPerSec)} req/s, p99 ${ms(p.reads.latencyP99)}${p.reads.non2xx + p.reads.errors ? ` (${p.reads.non2xx} non-2xx, ${p.reads.errors} errors)` : ''}`;
const posts = (p: PhaseResult) => {
  const l = p.posts.latency;
  const bad = p.posts.offered - p.posts.publishedCount;
  return `p50 ${ms(l.p50)}, p90 ${ms(l.p90)}, p99 ${ms(l.p99)} (${p.posts.publishedPerSec.toFixed(1)}/s published${bad ? `; ${bad} of ${p.posts.offered} not published` : ''})`;
};
const delivery = (p: PhaseResult) => `p50 ${ms(p.delivery.p50)}, p99 ${ms(p.delivery.p99)}; ${n(p.delivery.readers)} readers, ${n(p.delivery.missing)} of ${n(p.delivery.expected)} missing`;
const loadCpu = (p: PhaseResult) =>
  ['wrk', 'poster', 'probe', 'crowd']
    .filter((k) => p.cpuPct[k] !== undefined)
    .map((k) => `${k} ${p.cpuPct[k]}%`)
    .join(', ');
const nodesCpu = (p: PhaseResult) =>
  Object.entries(p.cpuPct)
    .filter(([k]) => k.startsWith('node'))
    .map(([, v]) => `${v}%`)
    .join(' + ');

/** Whether every reader got every published comment: none missing, none refused. */
const whole = (p: PhaseResult) => p.delivery.missing === 0 && p.delivery.expected > 0;

/** The table rows of one spike against the phase alone. */
function rows(kind: Kind, alone: PhaseResult, s: PhaseResult): Row[] {
  const N = `N = ${n(s.crowd)}`;
  const sqlite = kind === 'sqlite';
  const out: Row[] = [];
  if (sqlite) out.push({ what: `first-page reads, ${N}`, alone: reads(alone), spike: reads(s), ratio: ratio(alone.reads.requestsPerSec, s.reads.requestsPerSec), target: '≥ 50% of alone', met: s.reads.requestsPerSec >= 0.5 * alone.reads.requestsPerSec });
  else out.push({ what: `first-page reads, ${N}`, alone: reads(alone), spike: reads(s), ratio: ratio(alone.reads.requestsPerSec, s.reads.requestsPerSec), target: '–', met: null });
  out.push({ what: `posts, ${N}`, alone: posts(alone), spike: posts(s), ratio: ratio(alone.posts.latency.p99, s.posts.latency.p99), target: 'p99 ≤ 300 ms', met: s.posts.latency.p99 <= 300 });
  out.push({ what: `live delivery, ${N}`, alone: delivery(alone), spike: delivery(s), ratio: ratio(alone.delivery.p99, s.delivery.p99), target: 'p99 ≤ 2 s, none missing', met: s.delivery.p99 <= 2000 && whole(s) });
  const rss = (p: PhaseResult) => Math.max(...p.sampled.peakRssMb);
  out.push({ what: `server memory (peak RSS${sqlite ? '' : ', largest node'}), ${N}`, alone: `${n(rss(alone))} MB`, spike: `${n(rss(s))} MB`, ratio: ratio(rss(alone), rss(s)), target: sqlite ? '≤ 300 MB' : '–', met: sqlite ? rss(s) <= 300 : null });
  out.push({ what: `server CPU per post (reads included), ${N}`, alone: `${alone.serverCpuMsPerPost.toFixed(1)} ms (nodes ${nodesCpu(alone)})`, spike: `${s.serverCpuMsPerPost.toFixed(1)} ms (nodes ${nodesCpu(s)})`, ratio: ratio(alone.serverCpuMsPerPost, s.serverCpuMsPerPost), target: '–', met: null });
  if (!sqlite) {
    const l = (p: PhaseResult) => p.sampled.locks;
    const locks = (p: PhaseResult) => `${l(p)?.maxOnStories ?? '–'} on stories (${l(p)?.maxWaiting ?? '–'} on any lock, ${l(p)?.samples ?? 0} samples)`;
    out.push({ what: `sessions waiting on a row lock, ${N} (max seen)`, alone: locks(alone), spike: locks(s), ratio: '–', target: 'none on stories', met: (l(s)?.maxOnStories ?? 1) === 0 && (l(s)?.samples ?? 0) > 0 });
  }
  out.push({ what: `load generators' CPU (% of one core), ${N}`, alone: loadCpu(alone), spike: loadCpu(s), ratio: '–', target: '–', met: null });
  return out;
}

/** Details a reader needs to trust a row: connections, refusals, reconnections, what posting returned. */
function details(label: string, p: PhaseResult): string {
  const c = p.crowdReaders;
  const refused = (r: Record<string, number>) => Object.entries(r).map(([s, k]) => `${k}×${s}`).join(', ') || 'none';
  return [
    `- **${label}**: window ${(p.sampled.windowMs / 1000).toFixed(1)} s (to the last answer); machine load average ${p.sampled.machine.loadAvg.toFixed(1)} at the start, some task stalled on CPU ${p.sampled.machine.cpuStallPct}% of the window.`,
    c ? ` Crowd: ${n(c.connected)} of ${n(c.readers)} streams open in ${c.connectSec.toFixed(1)} s (${c.failed} failed; refusals ${refused(c.refusals)}), ${c.reconnects} reconnections, ${c.resets} resets, ${n(c.complete)} readers complete; delivery p50 ${ms(c.fromSend.p50)}, p99 ${ms(c.fromSend.p99)}, max ${ms(c.fromSend.max)}.` : '',
    ` Probe: ${p.probe.connected} of ${p.probe.readers} open (${p.probe.failed} failed), ${p.probe.reconnects} reconnections, delivery p50 ${ms(p.probe.fromSend.p50)}, p99 ${ms(p.probe.fromSend.p99)}; from the POST's answer p50 ${ms(p.probe.fromAnswer.p50)}, p99 ${ms(p.probe.fromAnswer.p99)} (${n(p.probe.beforeAnswer)} deliveries arrived before the answer).`,
    ` Posts: ${p.posts.offered} offered over ${p.posts.sentForSec.toFixed(1)} s, answers ${Object.entries(p.posts.statuses).map(([s, k]) => `${k}×${s}`).join(', ')}, ${p.posts.held} held by moderation, max ${ms(p.posts.latency.max)}.`,
    p.sampled.locks?.statements.length ? ` Statements seen waiting on a lock (waits by event: ${Object.entries(p.sampled.locks.waitEvents).map(([e, k]) => `${e} ${k}`).join(', ')}): ${p.sampled.locks.statements.map((q) => `\`${q}\``).join('; ')}.` : '',
    ` Readers waited ${(Math.max(p.probe.waitedMs, c?.waitedMs ?? 0) / 1000).toFixed(1)} s after the last answer.`,
  ].join('');
}

/** The Markdown report of one database's phases. */
export function markdown(kind: Kind, alone: PhaseResult, spikes: PhaseResult[], meta: { header: string[] }): string {
  const title = kind === 'sqlite' ? 'SQLite, one node' : 'PostgreSQL + Redis, two nodes';
  const all = spikes.flatMap((s) => rows(kind, alone, s));
  return [
    `# Breaking-news spike: ${title}`,
    '',
    ...meta.header,
    '',
    `| ${title} | alone | spike | ratio | target | met |`,
    '|---|---|---|---|---|---|',
    ...all.map((r) => `| ${r.what} | ${r.alone} | ${r.spike} | ${r.ratio} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |`),
    '',
    kind === 'sqlite'
      ? 'Targets (issue 20) are set for N = 5,000; they are checked at every N. "Alone" is the same reads, posts and probe readers without the crowd; delivery is timed from each POST\'s send to its arrival at each reader, over every reader (probe and crowd).'
      : 'Targets (issue 20) are set for N = 2,000, readers split across the two nodes and posts alternating between them. Lock waits come from pg_stat_activity sampled every 250 ms (wait_event_type = Lock, the statement naming `stories`).',
    '',
    details('alone', alone),
    ...spikes.map((s) => details(`N = ${n(s.crowd)}`, s)),
    '',
  ].join('\n');
}
