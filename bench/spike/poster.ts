// Posting process of the spike benchmark: comments paced at a fixed rate (open loop: post i leaves at t0 + i/rate
// whatever happened to the earlier ones, so a slow server shows as latency, not as a lower offered rate), by the
// seeded signed-in users in turn, alternating over the nodes given. Each body carries a marker the readers map back
// to the post: `spike-<nonce>-<k>-<µs>` (k the post's index, µs its send time on the monotonic clock).
// Input: argv[2], JSON { urls, storyId, tokens, rate, sec, nonce }. Output: one JSON line on stdout.
import { Agent, request } from 'node:http';
import { newHist, nowUs, record, summary } from './hist.js';

interface Input {
  urls: string[];
  storyId: string;
  tokens: string[];
  rate: number;
  sec: number;
  nonce: string;
}
const input = JSON.parse(process.argv[2] as string) as Input;
// Browsers keep their connection to the site open; no socket cap, so a post never queues behind another here.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const WORDS = ['council', 'budget', 'cycling', 'border', 'library', 'transport', 'school', 'market', 'weather', 'harbour'];
// Posts still unanswered this long after the last one left are counted as errors.
const DRAIN_MS = 120_000;

const latency = newHist();
/** [k, sent µs, answered µs] of every post answered 2xx with the comment published. */
const published: [number, number, number][] = [];
const statuses: Record<string, number> = {};
let held = 0;
let errors = 0;
let inFlight = 0;

function post(k: number): Promise<void> {
  const url = input.urls[k % input.urls.length] as string;
  const sent = nowUs();
  const body = JSON.stringify({ body: `Reader note spike-${input.nonce}-${k}-${sent}: the ${WORDS[k % WORDS.length]} story deserves a follow-up.` });
  inFlight++;
  return new Promise((resolve) => {
    const done = (status: string, text: string) => {
      const at = nowUs();
      inFlight--;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 'error') errors++;
      else record(latency, (at - sent) / 1000);
      if (status.startsWith('2')) {
        if (text.includes('"status":"published"')) published.push([k, sent, at]);
        else held++;
      }
      resolve();
    };
    const req = request(
      `${url}/api/v1/stories/${input.storyId}/comments`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${input.tokens[k % input.tokens.length] as string}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => done(String(res.statusCode), text));
        res.on('error', () => done('error', ''));
      },
    );
    req.setTimeout(DRAIN_MS, () => req.destroy());
    req.on('error', () => done('error', ''));
    req.end(body);
  });
}

const total = Math.round(input.rate * input.sec);
const gapUs = 1e6 / input.rate;
const t0 = nowUs();
const all: Promise<void>[] = [];
for (let k = 0; k < total; k++) {
  const wait = (t0 + k * gapUs - nowUs()) / 1000;
  // Late (a busy event loop): the post leaves at once, so the offered rate catches up.
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  all.push(post(k));
}
const sentFor = (nowUs() - t0) / 1e6;
await Promise.all(all);
const lat = summary(latency);
const t1 = nowUs();
const out = JSON.stringify({ offered: total, sentForSec: sentFor, published, held, errors, statuses, inFlightLeft: inFlight, latency: lat, publishedPerSec: published.length / ((t1 - t0) / 1e6) });
// Exit only once the line is handed to the pipe (a pipe write is async; exiting earlier would cut it).
process.stdout.write(`${out}\n`, () => process.exit(0));
