import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { makeSite, publishEverything, signUp } from '../fixtures/publisher.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  await makeSite(deps, 'feedsite', ['https://feed.example'], { lang: 'fr' });
});
after(async () => close());

describe('Atom feed of a story’s comments', () => {
  test('lists published comments newest first, escaped, and leaves out held and deleted ones', async () => {
    const story = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://feed.example/a')}&title=${encodeURIComponent('Budget & dette')}` })).json<{ story: { id: string } }>().story;
    const r = await signUp(app, 'Élise <3');
    const post = async (body: string) => (await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: r.auth, payload: { body } })).json<{ comment: { id: string } }>().comment;
    await post('Premier **avis**');
    const second = await post('Second <script>alert(1)</script>');
    const gone = await post('À supprimer');
    await app.inject({ method: 'DELETE', url: `/api/v1/comments/${gone.id}`, headers: r.auth });
    deps.commentDeps.moderate = async () => ({ status: 'pending' });
    await post('En attente');
    publishEverything(deps);

    const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${story.id}/comments.atom` });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/atom\+xml/);
    const xml = res.body;
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="fr">/);
    assert.match(xml, /<title>Commentaires : Budget &amp; dette<\/title>/);
    const entries = xml.match(/<entry>/g) ?? [];
    assert.equal(entries.length, 2, 'held and deleted comments are not in the feed');
    assert.ok(xml.indexOf(`#comment-${second.id}`) < xml.indexOf('Premier'), 'newest first');
    assert.match(xml, /<name>Élise &lt;3<\/name>/);
    assert.match(xml, /&lt;p&gt;Premier &lt;strong&gt;avis&lt;\/strong&gt;&lt;\/p&gt;/);
    assert.doesNotMatch(xml, /<script>/);
    assert.doesNotMatch(xml, /En attente|À supprimer/);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/stories/nope/comments.atom' })).statusCode, 404);
  });
});
