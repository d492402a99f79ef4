// Load generator process: autocannon against one or more URLs. Input (stdin JSON):
// { urls: string[], connections, durationSec, method?, bodies?: 'comment', tokens?: string[] }.
// With `tokens`, each connection is a different user (Authorization rotates per client); with bodies: 'comment',
// each request posts a unique comment body (so duplicate-text moderation does not reject it).
import autocannon from 'autocannon';

interface Input {
  urls: string[];
  connections: number;
  durationSec: number;
  method?: 'GET' | 'POST';
  bodies?: 'comment';
  tokens?: string[];
}

const input = JSON.parse(await new Promise<string>((r) => {
  let s = '';
  process.stdin.on('data', (d) => (s += d)).on('end', () => r(s));
})) as Input;

let client = 0;
let n = 0;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const words = ['council', 'budget', 'cycling', 'fentanyl', 'border', 'library', 'transport', 'school', 'market', 'weather'];
const results = await Promise.all(
  input.urls.map(
    (url) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        autocannon(
          {
            url,
            connections: Math.max(1, Math.round(input.connections / input.urls.length)),
            duration: input.durationSec,
            method: input.method ?? 'GET',
            headers: input.method === 'POST' ? { 'content-type': 'application/json' } : {},
            setupClient: input.tokens
              ? (c: autocannon.Client) => {
                  const token = input.tokens?.[client++ % (input.tokens?.length ?? 1)];
                  c.setHeaders({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
                }
              : undefined,
            requests: input.bodies
              ? [
                  {
                    setupRequest: (req: autocannon.Request) => {
                      n++;
                      const w = words[n % words.length];
                      return { ...req, body: JSON.stringify({ body: `Reader note ${run}-${n}: the ${w} story deserves a follow-up, item ${n * 7919}.` }) };
                    },
                  },
                ]
              : undefined,
          },
          (err, res) => (err ? reject(err) : resolve(res)),
        );
      }),
  ),
);
const sum = (f: (r: autocannon.Result) => number) => results.reduce((a, r) => a + f(r), 0);
console.log(
  JSON.stringify({
    requestsPerSec: sum((r) => r.requests.average),
    latencyP50: Math.max(...results.map((r) => r.latency.p50)),
    latencyP99: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    total: sum((r) => r.requests.total),
  }),
);
