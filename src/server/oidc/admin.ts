import { AppError } from '../errors.js';
import type { SiteStore } from '../sites/store.js';
import { newId, nowIso } from '../storage/ids.js';
import { refusedHost } from '../webhooks/egress.js';
import { isInternalAllowed } from './egress.js';
import type { OidcProvider, OidcRepository } from './repository.js';

/** Providers whose issuer and name Agora knows: the admin gives only the client id and secret. */
export const PRESETS = {
  google: { label: 'Google', issuer: 'https://accounts.google.com' },
  // Any Microsoft account, personal or of any organisation. Its discovery names the issuer with a `{tenantid}`
  // template and each token carries the reader's tenant: openid-client checks `iss` against the template filled
  // with the token's `tid`, and sign-in.ts keys such identities by tenant and subject.
  microsoft: { label: 'Microsoft', issuer: 'https://login.microsoftonline.com/common/v2.0' },
} as const;
export type Preset = keyof typeof PRESETS;

/** What the provider admin use cases need. */
export interface OidcAdminDeps {
  siteStore: Pick<SiteStore, 'get'>;
  oidc: OidcRepository;
  /** Config.oidcInternalIssuers. */
  internalOrigins: readonly string[];
  /** Called after a change, so a removed provider's discovery is not kept. */
  forget?: (providerId: string) => void;
}

/** Input of `add`, from the API or the command line; validated here. */
export interface ProviderInput {
  preset?: string | undefined;
  slug?: string | undefined;
  label?: string | undefined;
  issuer?: string | undefined;
  clientId: string;
  clientSecret: string;
}

/** A provider as admins see it: the secret's last four characters only, never the secret. */
export interface PresentedProvider extends Omit<OidcProvider, 'id'> {
  clientSecretHint: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,31}$/;

const invalid = (why: string) => new AppError('VALIDATION_FAILED', `(${why})`);

/**
 * An issuer is fetched from inside the operator's network: https and not an internal address as written (every
 * call checks what the name resolves to: egress.ts), unless its origin is in AGORA_OIDC_INTERNAL_ISSUERS.
 */
export function checkIssuer(raw: string, internalOrigins: readonly string[]): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw invalid(`issuer "${raw}" is not a URL`);
  }
  if (u.search || u.hash || u.username || u.password) throw invalid('issuer: no query, fragment or credentials');
  const allowed = isInternalAllowed(u, { internalOrigins });
  if (u.protocol !== 'https:' && !(allowed && u.protocol === 'http:')) throw new AppError('OIDC_ISSUER_FORBIDDEN', `(${u.protocol} is not https)`);
  const why = allowed ? null : refusedHost(u.hostname, { allowPrivate: false });
  if (why) throw new AppError('OIDC_ISSUER_FORBIDDEN', `(${why})`);
  // Issuers are compared as strings: keep what the admin typed, minus a trailing slash on a bare origin.
  return u.pathname === '/' ? u.origin : u.href;
}

const hint = (secret: string) => (secret.length >= 12 ? `…${secret.slice(-4)}` : '…');

async function present(deps: OidcAdminDeps, p: OidcProvider): Promise<PresentedProvider> {
  const { id: _id, ...rest } = p;
  return { ...rest, clientSecretHint: hint(await deps.oidc.secret(p.id)) };
}

async function site(deps: OidcAdminDeps, siteId: string) {
  const s = await deps.siteStore.get(siteId);
  if (!s) throw new AppError('SITE_NOT_FOUND');
  return s;
}

/** Adds a provider to a site: a preset (google, microsoft) or any issuer; the slug defaults to the preset's name. */
export async function addProvider(deps: OidcAdminDeps, siteId: string, input: ProviderInput): Promise<PresentedProvider> {
  await site(deps, siteId);
  if (input.preset !== undefined && !(input.preset in PRESETS)) throw invalid(`preset: ${Object.keys(PRESETS).join(' or ')}`);
  const preset = input.preset ? PRESETS[input.preset as Preset] : undefined;
  const slug = (input.slug ?? input.preset ?? '').trim().toLowerCase();
  if (!SLUG.test(slug)) throw invalid('slug: 1 to 32 of a-z, 0-9 and -, starting with a letter or digit');
  const label = (input.label ?? preset?.label ?? '').replace(/\s+/g, ' ').trim();
  if (label.length < 1 || label.length > 40) throw invalid('label: 1 to 40 characters');
  const issuerRaw = input.issuer ?? preset?.issuer;
  if (!issuerRaw) throw invalid('issuer: required without a preset');
  const issuer = checkIssuer(issuerRaw, deps.internalOrigins);
  const clientId = input.clientId.trim();
  if (clientId.length < 1 || clientId.length > 255) throw invalid('client id: 1 to 255 characters');
  if (input.clientSecret.length < 1 || input.clientSecret.length > 1024) throw invalid('client secret: 1 to 1024 characters');
  const p: OidcProvider = { id: newId(), siteId, slug, label, issuer, clientId, createdAt: nowIso() };
  if (!(await deps.oidc.insert(p, input.clientSecret))) throw new AppError('OIDC_PROVIDER_EXISTS');
  return present(deps, p);
}

/** A site's providers, as admins see them. */
export async function listProviders(deps: OidcAdminDeps, siteId: string): Promise<PresentedProvider[]> {
  await site(deps, siteId);
  return Promise.all((await deps.oidc.list(siteId)).map((p) => present(deps, p)));
}

/** Removes a provider; its readers keep their accounts (adding the same slug again signs them into the same ones). */
export async function removeProvider(deps: OidcAdminDeps, siteId: string, slug: string): Promise<void> {
  await site(deps, siteId);
  const p = await deps.oidc.get(siteId, slug);
  if (!p || !(await deps.oidc.remove(siteId, slug))) throw new AppError('OIDC_PROVIDER_NOT_FOUND');
  deps.forget?.(p.id);
}
