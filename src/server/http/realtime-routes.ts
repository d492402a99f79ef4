import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import { getStory } from '../stories/use-cases.js';
import { clientKey } from './client-key.js';
import { startEventStream } from './event-stream.js';
import { errors, StoryIdParams } from './schemas.js';

/** Live updates of a story over Server-Sent Events. */
export const realtimeRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { hub } = deps.realtime;
  let warnedProxy = false;
  app.get(
    '/api/v1/stories/:storyId/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Server-Sent Events of a story: comment.created, comment.edited, comment.deleted, comment.moderated, comment.reaction',
        description:
          'Each event has an id (the story’s event number). Reconnect with the Last-Event-ID header (EventSource does it) or ?lastEventId= to receive exactly what was missed. `ready` carries the current number; `reset` means too much was missed: reload the list. Comment lines (": hb") are heartbeats.',
        params: StoryIdParams,
        // Bounded like the Last-Event-ID header (15 digits): an exact integer, never 1e300 handed to the event log.
        querystring: Type.Object({ lastEventId: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999_999_999 })) }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errors(404, 429, 503) },
      },
    },
    async (request, reply) => {
      // Before any work. A full node sheds load with a 503 the client retries, rather than falling over; a client
      // holding its share gets a 429, so one client cannot take every slot of the node from everyone else.
      const slot = hub.admit(clientKey(request));
      if (slot === 'node') throw new AppError('UNAVAILABLE', undefined, { retryAfterSeconds: 5 });
      if (slot === 'client') {
        if (!warnedProxy && deps.config.trustProxy === false && request.headers['x-forwarded-for'] !== undefined) {
          warnedProxy = true;
          request.log.warn('live streams refused to a client behind a proxy while AGORA_TRUST_PROXY is not set: all readers may share the proxy\'s address');
        }
        throw new AppError('TOO_MANY_STREAMS', undefined, { retryAfterSeconds: 30 });
      }
      let story;
      try {
        story = await getStory(deps, request.params.storyId);
      } catch (err) {
        slot.release();
        throw err;
      }
      const header = request.headers['last-event-id'];
      const fromHeader = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : null;
      const lastEventId = fromHeader ?? request.query.lastEventId ?? null;
      const res = startEventStream(request, reply);
      res.write('retry: 3000\n\n');
      await hub.open(story.id, res, lastEventId, slot);
    },
  );
};
