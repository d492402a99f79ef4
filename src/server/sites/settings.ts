import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The publisher-integration part of `sites.settings`. Other features keep their own keys in the same JSON object,
 * so this module reads only its keys and writes them back merged, never replacing the whole object.
 */
export const SSO_ALGORITHMS = ['HS256', 'RS256', 'EdDSA'] as const;
export type SsoAlgorithm = (typeof SSO_ALGORITHMS)[number];

export const PublisherSettingsSchema = Type.Object({
  /** false: readers of this site sign in through the publisher's single sign-on only (staff excepted). */
  localAccounts: Type.Boolean(),
  sso: Type.Object({
    /** Where the publisher's public keys (RS256, EdDSA) are published; null when only HS256 with the site secret is used. */
    jwksUrl: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
    /** Algorithms accepted for this site's tokens. */
    algorithms: Type.Array(Type.Union(SSO_ALGORITHMS.map((a) => Type.Literal(a))), { minItems: 1, maxItems: 3 }),
  }),
  guests: Type.Object({
    enabled: Type.Boolean(),
    /** Hold guests' comments for a moderator even when the pipeline would publish them. */
    holdForReview: Type.Boolean(),
    /** Leading zero bits of SHA-256 the guest's browser must find (each bit doubles the work). */
    powDifficulty: Type.Integer({ minimum: 8, maximum: 26 }),
  }),
});
export type PublisherSettings = Static<typeof PublisherSettingsSchema>;

/** What a site gets until an admin says otherwise. */
export const DEFAULT_SETTINGS: PublisherSettings = {
  localAccounts: true,
  sso: { jwksUrl: null, algorithms: ['HS256', 'RS256', 'EdDSA'] },
  guests: { enabled: false, holdForReview: true, powDifficulty: 18 },
};

/** A partial update of the settings, as admins send it (API, CLI, console). */
export const SettingsPatchSchema = Type.Object({
  localAccounts: Type.Optional(Type.Boolean()),
  sso: Type.Optional(Type.Partial(PublisherSettingsSchema.properties.sso)),
  guests: Type.Optional(Type.Partial(PublisherSettingsSchema.properties.guests)),
});
export type SettingsPatch = Static<typeof SettingsPatchSchema>;

function parseJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Our settings from the stored JSON: each key falls back to its default when missing or invalid, never a throw. */
export function readSettings(json: string): PublisherSettings {
  const all = parseJson(json);
  const pick = <K extends keyof PublisherSettings>(key: K): PublisherSettings[K] => {
    const d = DEFAULT_SETTINGS[key];
    const v = all[key];
    const merged = d && typeof d === 'object' && v && typeof v === 'object' ? { ...d, ...v } : (v ?? d);
    return Value.Check(PublisherSettingsSchema.properties[key], merged) ? (merged as PublisherSettings[K]) : d;
  };
  return { localAccounts: pick('localAccounts'), sso: pick('sso'), guests: pick('guests') };
}

/** The stored JSON with the patch applied to our keys; other features' keys are kept as they were. */
export function mergeSettings(json: string, patch: SettingsPatch): string {
  const all = parseJson(json);
  const current = readSettings(json);
  const next: PublisherSettings = {
    localAccounts: patch.localAccounts ?? current.localAccounts,
    sso: { ...current.sso, ...stripUndefined(patch.sso) },
    guests: { ...current.guests, ...stripUndefined(patch.guests) },
  };
  return JSON.stringify({ ...all, ...next });
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
