import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Per-story settings kept in `stories.settings` (JSON). `premoderation` is read by the moderation pipeline: when true,
 * every new comment of the story waits for a moderator.
 */
export const StorySettingsSchema = Type.Object({
  premoderation: Type.Boolean(),
  /** Close the story this many days after publication (published_at, else creation); null: never. */
  autoCloseDays: Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]),
  /** A short note shown above the discussion ("Comments are moderated before they appear"), plain text. */
  message: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
});
export type StorySettings = Static<typeof StorySettingsSchema>;

export const DEFAULT_STORY_SETTINGS: StorySettings = { premoderation: false, autoCloseDays: null, message: null };

/** The settings from the stored JSON, each key falling back to its default when missing or invalid. */
export function readStorySettings(json: string | null | undefined): StorySettings {
  let all: Record<string, unknown> = {};
  try {
    const v: unknown = JSON.parse(json ?? '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) all = v as Record<string, unknown>;
  } catch {
    // A corrupt column must not take the story down: defaults apply.
  }
  const out = { ...DEFAULT_STORY_SETTINGS };
  for (const key of Object.keys(DEFAULT_STORY_SETTINGS) as (keyof StorySettings)[]) {
    if (key in all && Value.Check(StorySettingsSchema.properties[key], all[key])) (out as Record<string, unknown>)[key] = all[key];
  }
  return out;
}

/** The stored JSON with a patch applied; keys of other features are kept. */
export function mergeStorySettings(json: string | null | undefined, patch: Partial<StorySettings>): string {
  let all: Record<string, unknown> = {};
  try {
    const v: unknown = JSON.parse(json ?? '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) all = v as Record<string, unknown>;
  } catch {
    all = {};
  }
  const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return JSON.stringify({ ...all, ...readStorySettings(json), ...clean });
}

/** When an auto-closing story closes, as an ISO time; null when it never does. */
export function closesAt(settings: StorySettings, publishedAt: string | null, createdAt: string): string | null {
  if (settings.autoCloseDays === null) return null;
  const from = Date.parse(publishedAt ?? createdAt);
  return Number.isNaN(from) ? null : new Date(from + settings.autoCloseDays * 86_400_000).toISOString();
}
