import { Type, type Static } from '@sinclair/typebox';

/** Response and request shapes of API v1: they validate input, serialise output and make /api/openapi.json. */
export const ErrorSchema = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { $id: 'Error', description: 'Every error: a stable code and a message in the language of Accept-Language.' },
);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    displayName: Type.String(),
    email: Type.Optional(Type.String({ description: 'Only for the signed-in user themself.' })),
    role: Type.Union([Type.Literal('commenter'), Type.Literal('moderator'), Type.Literal('admin')]),
    createdAt: Type.String({ format: 'date-time' }),
    moderates: Type.Optional(
      Type.Array(Type.String(), { description: 'Only for the signed-in user themself: the sites they moderate without a staff role (only the page’s site for an embed token). The Discussion then shows its moderation menu.' }),
    ),
  },
  { $id: 'User' },
);

export const AuthResultSchema = Type.Object({
  user: Type.Ref(UserSchema),
  token: Type.String({ description: 'Bearer token for Authorization: Bearer.' }),
  csrfToken: Type.Optional(Type.String({ description: 'Present when a session cookie was set (first-party pages).' })),
});

export const StorySchema = Type.Object(
  {
    id: Type.String(),
    siteId: Type.String(),
    url: Type.String(),
    title: Type.String(),
    lang: Type.String(),
    commentCount: Type.Integer(),
    closed: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    closesAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When comments close by themselves, if they do.' })),
    message: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'A note from the newsroom shown above the discussion (plain text).' })),
    guests: Type.Boolean({ description: 'The story’s site takes guest comments (name and email, no account).' }),
  },
  { $id: 'Story' },
);

export const CommentSchema = Type.Recursive(
  (Self) =>
    Type.Object({
      id: Type.String(),
      storyId: Type.String(),
      parentId: Type.Union([Type.String(), Type.Null()]),
      depth: Type.Integer({ minimum: 0, maximum: 5 }),
      inReplyTo: Type.Union([Type.Object({ id: Type.String(), displayName: Type.String() }), Type.Null()]),
      author: Type.Union([
        Type.Object({
          id: Type.String(),
          displayName: Type.String(),
          avatarUrl: Type.Optional(Type.String({ format: 'uri', description: 'An http(s) picture from the site’s single sign-on (`avatar` claim); absent when none.' })),
          badges: Type.Optional(
            Type.Array(Type.String({ maxLength: 40 }), {
              maxItems: 11,
              description: 'Labels from the site’s single sign-on: the `role` claim first, then `badges`, without repeats; absent when none.',
            }),
          ),
          staff: Type.Optional(
            Type.Union([Type.Literal('admin'), Type.Literal('moderator')], {
              description: 'The author is on the newsroom’s staff: an administrator (shown “Rédaction” / “Newsroom”) or a moderator of this site (“Modération” / “Moderator”); absent for readers.',
            }),
          ),
        }),
        Type.Null(),
      ]),
      bodyHtml: Type.String({ description: 'Sanitised HTML; empty on a deleted comment.' }),
      body: Type.Optional(Type.String({ description: 'Raw Markdown, only on the viewer’s own comments.' })),
      status: Type.Union([Type.Literal('published'), Type.Literal('pending'), Type.Literal('rejected'), Type.Literal('deleted')]),
      createdAt: Type.String({ format: 'date-time' }),
      editedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      reactionCount: Type.Integer(),
      replyCount: Type.Integer(),
      featured: Type.Optional(Type.Literal(true, { description: 'Picked by a moderator (“À la une”); absent otherwise.' })),
      viewer: Type.Object({ reacted: Type.Boolean(), isAuthor: Type.Boolean(), canEdit: Type.Boolean() }),
      rejectionReason: Type.Optional(Type.String({ description: 'Why a moderator or the filters rejected it; only on the author’s own rejected comments.' })),
      replies: Type.Array(Self),
    }),
  { $id: 'Comment' },
);
export type ApiComment = Static<typeof CommentSchema>;

const ID = { minLength: 1, maxLength: 64 };
export const IdParams = Type.Object({ id: Type.String(ID) });
export const StoryIdParams = Type.Object({ storyId: Type.String(ID) });

/** Standard error responses for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorSchema]));
}
