// Baseline: the same bytes as Agora's read case, from a bare Fastify server.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const body = readFileSync(process.env.BODY_FILE as string);
const app = Fastify({ logger: false });
app.get('/health', async () => 'ok');
app.get('/*', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
