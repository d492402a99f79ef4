// Live readers process: opens N Server-Sent-Events streams (spread over the given URLs), then records, for every
// `comment.created` event, the delay from the time stamp the writer put in the comment ("t=<ms>") to its receipt.
// Input (stdin JSON): { urls: string[], readers, durationSec, expected }. Prints one JSON line of stats.
import { Agent, request } from 'node:http';
import { onSseBlocks } from '../../test/fixtures/sse-blocks.js';

interface Input {
  urls: string[];
  readers: number;
  durationSec: number;
  expected: number;
}
const input = JSON.parse(await new Promise<string>((r) => {
  let s = '';
  process.stdin.on('data', (d) => (s += d)).on('end', () => r(s));
})) as Input;

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const latencies: number[] = [];
let connected = 0;
let failed = 0;
const T = /t=(\d{13})/;

function open(url: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        failed++;
        res.resume();
        return resolve();
      }
      connected++;
      resolve();
      onSseBlocks(res, (block) => {
        if (!block.includes('event: comment.created')) return;
        const m = T.exec(block);
        if (m) latencies.push(Date.now() - Number(m[1]));
      });
    });
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end();
  });
}

// Open in batches so the server's accept queue is not flooded all at once.
for (let i = 0; i < input.readers; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, input.readers - i) }, (_, j) => open(input.urls[(i + j) % input.urls.length] as string)));
}
process.stderr.write(`sse: ${connected} connected, ${failed} failed\n`);
// Tell the orchestrator we are ready, then wait for the writer's events.
process.stderr.write('READY\n');
const end = Date.now() + input.durationSec * 1000;
while (Date.now() < end && latencies.length < input.expected * connected) await new Promise((r) => setTimeout(r, 200));
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
console.log(JSON.stringify({ connected, failed, deliveries: latencies.length, expected: input.expected * connected, p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] ?? NaN }));
process.exit(0);
