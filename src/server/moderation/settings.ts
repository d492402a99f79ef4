import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

// Null first in every union: the API's validator coerces types, and with the number first it would turn a null
// ("use the model's threshold") into 0 ("hold everything") before trying the null branch.
const Threshold = Type.Union([Type.Null(), Type.Number({ minimum: 0, maximum: 1 })]);
const WordList = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 5000 });

/**
 * A site's moderation settings. The same schema validates the admin API's input, the stored JSON and the defaults,
 * so a setting cannot be valid in one place and not in another.
 */
export const ModerationSettingsSchema = Type.Object(
  {
    /** `post`: publish unless a phase objects. `pre`: every comment waits for a moderator. */
    mode: Type.Union([Type.Literal('post'), Type.Literal('pre')]),
    /** Links: allowed, held from new accounts, held from everyone, or refused. */
    links: Type.Union([Type.Literal('allow'), Type.Literal('hold-new'), Type.Literal('hold-all'), Type.Literal('reject')]),
    /** An account is "new" while younger than this many hours or with fewer published comments than newUserComments. */
    newUserHours: Type.Integer({ minimum: 0, maximum: 24 * 365 }),
    newUserComments: Type.Integer({ minimum: 0, maximum: 1000 }),
    /** Hold a user's first N comments on this site (0: off). */
    premoderateFirst: Type.Integer({ minimum: 0, maximum: 100 }),
    /** Score thresholds: `hold` null means the shipped model's own threshold; `reject` null means never by score. */
    toxicity: Type.Object({ hold: Threshold, reject: Threshold }),
    spam: Type.Object({ hold: Threshold, reject: Threshold }),
    /** At most `max` comments per author in `windowSeconds`. */
    rate: Type.Object({ max: Type.Integer({ minimum: 1, maximum: 10_000 }), windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }) }),
    /** More than `max` comments on one story from new accounts within `windowSeconds` are held (a raid). */
    flood: Type.Object({ max: Type.Integer({ minimum: 1, maximum: 100_000 }), windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }) }),
    /** The same text from the same author within this many hours is a duplicate. */
    duplicateHours: Type.Integer({ minimum: 0, maximum: 24 * 30 }),
    /** Stories close to new comments this many days after they were created (null: never). */
    autoCloseDays: Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: 3650 })]),
    /** Languages the site accepts; others are held (null: any). */
    languages: Type.Union([Type.Null(), Type.Array(Type.Union([Type.Literal('fr'), Type.Literal('en')]), { maxItems: 2 })]),
    /** Site words, added to the shipped lists unless useDefaultWords is false. */
    words: Type.Object({ useDefaults: Type.Boolean(), banned: WordList, suspect: WordList, allow: WordList }),
  },
  { $id: 'ModerationSettings', additionalProperties: false },
);
export type ModerationSettings = Static<typeof ModerationSettingsSchema>;

/** Out of the box: post-moderation, links from new accounts held, limits a person typing never reaches. */
export const DEFAULT_SETTINGS: ModerationSettings = {
  mode: 'post',
  links: 'hold-new',
  newUserHours: 24,
  newUserComments: 2,
  premoderateFirst: 0,
  toxicity: { hold: null, reject: null },
  // Not the spam model's own threshold (0.5): trained on YouTube comments, it scores ordinary short remarks such as
  // "my comment about this" at 0.8. Link spam from new accounts is held by the links phase anyway.
  spam: { hold: 0.9, reject: null },
  rate: { max: 20, windowSeconds: 300 },
  flood: { max: 100, windowSeconds: 600 },
  duplicateHours: 24,
  autoCloseDays: null,
  languages: null,
  words: { useDefaults: true, banned: [], suspect: [], allow: [] },
};

/**
 * Settings from stored JSON: missing keys take their defaults (settings written by an older version still load),
 * and anything invalid falls back to the defaults rather than letting a bad row disable moderation.
 */
export function parseSettings(json: string | null | undefined): ModerationSettings {
  if (!json) return structuredClone(DEFAULT_SETTINGS);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return structuredClone(DEFAULT_SETTINGS);
  }
  const merged = { ...structuredClone(DEFAULT_SETTINGS), ...(typeof raw === 'object' && raw ? raw : {}) };
  return Value.Check(ModerationSettingsSchema, merged) ? merged : structuredClone(DEFAULT_SETTINGS);
}

/** A story's own mode: `pre` when its settings ask for pre-moderation, else the site's mode applies. */
export type StoryMode = 'inherit' | 'pre';

/**
 * The story's mode from its settings JSON (stories.settings, key `premoderation`, written by the story settings of
 * the publisher feature and by the console).
 */
export function storyModeOf(settingsJson: string | null | undefined): StoryMode {
  try {
    return (JSON.parse(settingsJson ?? '{}') as { premoderation?: unknown }).premoderation === true ? 'pre' : 'inherit';
  } catch {
    return 'inherit';
  }
}
