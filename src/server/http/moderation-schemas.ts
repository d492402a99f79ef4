import { Type } from '@sinclair/typebox';
import { QUEUES } from '../moderation/admin/queues.js';

/** Shapes of the moderation console's API (/api/v1/admin/moderation/…), for validation and /api/openapi.json. */
export const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const QueueName = literals(QUEUES);
export const QueueCounts = Type.Object(Object.fromEntries(QUEUES.map((q) => [q, Type.Integer()])) as Record<(typeof QUEUES)[number], ReturnType<typeof Type.Integer>>);

export const ReasonSchema = Type.Object({
  phase: Type.String(),
  code: Type.String(),
  message: Type.String(),
  words: Type.Optional(Type.Array(Type.String())),
  score: Type.Optional(Type.Number()),
  threshold: Type.Optional(Type.Number()),
});

export const QueueItemSchema = Type.Object(
  {
    id: Type.String(),
    siteId: Type.String(),
    storyId: Type.String(),
    storyTitle: Type.String(),
    storyUrl: Type.String(),
    storyLang: Type.String(),
    parentId: Nullable(Type.String()),
    author: Type.Object({ id: Type.String(), displayName: Type.String(), createdAt: Type.String() }),
    body: Type.String(),
    bodyHtml: Type.String(),
    status: Type.String(),
    featured: Type.Boolean(),
    createdAt: Type.String(),
    editedAt: Nullable(Type.String()),
    moderation: Type.Union([
      Type.Object({
        action: Type.String(),
        reasons: Type.Array(ReasonSchema),
        scores: Type.Object({ lang: Type.Optional(Type.String()), toxicity: Type.Optional(Type.Number()), spam: Type.Optional(Type.Number()) }),
      }),
      Type.Null(),
    ], { description: 'The pipeline’s verdict: why it was held or published, words matched, scores.' }),
    rejectionReason: Nullable(Type.String()),
    moderatedBy: Nullable(Type.String()),
    moderatedAt: Nullable(Type.String()),
    reports: Type.Array(Type.Object({ reason: Type.String(), note: Nullable(Type.String()), createdAt: Type.String(), by: Type.String({ description: 'The reporter’s display name.' }) })),
    permalink: Type.String({ description: 'The comment in its article (story URL#comment-id).' }),
    parent: Type.Union([Type.Object({ id: Type.String(), authorName: Type.String(), body: Type.String(), status: Type.String() }), Type.Null()], { description: 'What a reply answers.' }),
  },
  { $id: 'ModerationItem' },
);

export const Filters = {
  siteId: Type.Optional(Type.String({ maxLength: 64 })),
  storyId: Type.Optional(Type.String({ maxLength: 64 })),
  authorId: Type.Optional(Type.String({ maxLength: 64 })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
};

export const DecisionBody = Type.Object({
  reason: Type.Optional(Type.String({ maxLength: 500, description: 'Shown to the author (reject).' })),
  kind: Type.Optional(literals(['abuse', 'spam', 'other'] as const)),
});

export const StandingSchema = Type.Object({ banned: Type.Boolean(), suspendedUntil: Nullable(Type.String()), premoderate: Type.Boolean() });

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  siteId: Nullable(Type.String()),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  createdAt: Type.String(),
  targetLabel: Type.Optional(Nullable(Type.String({ description: 'The target in words: a comment’s first words, a user’s name.' }))),
});

export const SiteParams = Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 64 }) });
export const SiteUserParams = Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 64 }), userId: Type.String({ minLength: 1, maxLength: 64 }) });
