import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** The cookie that carries one sign-in from its start to the provider's callback. */
export const FLOW_COOKIE = 'agora_oidc';
/** Long enough to type a password and pass a second factor at the provider; a stale flow is refused after. */
export const FLOW_TTL_MS = 10 * 60_000;

const FlowSchema = Type.Object({
  /** The provider row (oidc_providers.id) and its site. */
  providerId: Type.String({ maxLength: 64 }),
  siteId: Type.String({ maxLength: 64 }),
  /** The page the token is handed to, checked against the site's origins when the flow started. */
  origin: Type.String({ maxLength: 300 }),
  lang: Type.Union([Type.Literal('en'), Type.Literal('fr')]),
  state: Type.String({ maxLength: 128 }),
  nonce: Type.String({ maxLength: 128 }),
  /** PKCE code verifier: stays in the reader's browser, signed, until the code is exchanged. */
  verifier: Type.String({ maxLength: 128 }),
  expiresAt: Type.Number(),
});
/** What the callback needs to finish a sign-in. */
export type Flow = Static<typeof FlowSchema>;

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(`agora-oidc-flow.${payload}`).digest('base64url');

/**
 * The flow as a signed cookie value. Signed, not encrypted: everything in it is the reader's own (their browser holds
 * the verifier, the state and the nonce anyway); the signature stops a page from choosing the origin or the provider.
 */
export function sealFlow(secret: string, flow: Flow): string {
  const payload = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The flow in a cookie value, or null when it is missing, forged, malformed or expired. */
export function openFlow(secret: string, value: string | undefined, now = Date.now()): Flow | null {
  if (!value) return null;
  const [payload, sig, extra] = value.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const want = Buffer.from(mac(secret, payload));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Value.Check(FlowSchema, parsed) || parsed.expiresAt <= now) return null;
  return parsed;
}
