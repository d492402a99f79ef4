import { AppError } from '../errors.js';
import { isLoopbackLiteral } from '../sso/jwks.js';
import { refusedHost } from '../webhooks/egress.js';
import { mergeSettings, type SettingsPatch } from './settings.js';
import { newSsoSecret, type SiteRecord, type SiteStore } from './store.js';

/** What the admin use cases need. */
export interface SiteAdminDeps {
  siteStore: SiteStore;
  origins: Pick<SiteStore, 'invalidate'>;
  /** TEST ONLY (Config.jwksLoopbackForTests): a JWKS URL may be http on a loopback literal. */
  jwksLoopbackForTests?: boolean | undefined;
}

/** A site id is the `aud` of its SSO tokens and appears in URLs: short, lower-case, no surprises. */
const SITE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Input of create and update; every field is validated here, whoever calls (API, CLI, console). */
export interface SiteInput {
  id?: string | undefined;
  name?: string | undefined;
  origins?: string[] | undefined;
  lang?: string | undefined;
  settings?: SettingsPatch | undefined;
}

function checkOrigins(list: string[]): string[] {
  const out = list.map((raw) => {
    let u: URL;
    try {
      u = new URL(raw.trim());
    } catch {
      throw new AppError('VALIDATION_FAILED', `(origin "${raw}" is not a URL)`);
    }
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin === 'null') throw new AppError('VALIDATION_FAILED', `(origin "${raw}" must be http(s))`);
    return u.origin;
  });
  return [...new Set(out)];
}

function checkName(name: string): string {
  const n = name.replace(/\s+/g, ' ').trim();
  if (n.length < 1 || n.length > 120) throw new AppError('VALIDATION_FAILED', '(name: 1 to 120 characters)');
  return n;
}

function checkLang(lang: string): 'en' | 'fr' {
  if (lang !== 'en' && lang !== 'fr') throw new AppError('VALIDATION_FAILED', '(lang: en or fr)');
  return lang;
}

/**
 * A JWKS URL is fetched by the server, from inside the operator's network, on behalf of anonymous callers: https, and
 * never an internal address as written (the fetch checks what the name resolves to: sso/jwks.ts). Tests alone may
 * serve keys over http from a loopback literal.
 */
function checkSettings(patch: SettingsPatch | undefined, loopbackForTests: boolean): SettingsPatch | undefined {
  const url = patch?.sso?.jwksUrl;
  if (url) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new AppError('VALIDATION_FAILED', '(sso.jwksUrl is not a URL)');
    }
    const testServer = loopbackForTests && isLoopbackLiteral(u.hostname);
    const refused = testServer ? null : refusedHost(u.hostname, { allowPrivate: false });
    if (refused) throw new AppError('JWKS_URL_FORBIDDEN', `(${refused})`);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && testServer)) throw new AppError('VALIDATION_FAILED', '(sso.jwksUrl must be https)');
  }
  return patch;
}

/**
 * Refuses origins another site already claims: the embed finds a page's site by its origin, so two claims would
 * send one newsroom's readers to the other's discussions, whichever the lookup met first.
 */
async function checkOriginsFree(deps: SiteAdminDeps, siteId: string, origins: string[]): Promise<void> {
  for (const other of await deps.siteStore.list()) {
    if (other.id === siteId) continue;
    const clash = origins.find((o) => other.origins.includes(o));
    if (clash) throw new AppError('ORIGIN_TAKEN', `(${clash}: ${other.id})`);
  }
}

/** Every site, with its settings (no secrets). */
export async function listSites(deps: SiteAdminDeps): Promise<SiteRecord[]> {
  return deps.siteStore.list();
}

/** A site by id; throws SITE_NOT_FOUND. */
export async function getSite(deps: SiteAdminDeps, id: string): Promise<SiteRecord> {
  const site = await deps.siteStore.get(id);
  if (!site) throw new AppError('SITE_NOT_FOUND');
  return site;
}

/** Creates a site with a fresh SSO secret, returned once here (and later to admins who ask for it). */
export async function createSite(deps: SiteAdminDeps, input: SiteInput): Promise<{ site: SiteRecord; ssoSecret: string }> {
  const id = (input.id ?? '').trim().toLowerCase();
  if (!SITE_ID.test(id)) throw new AppError('VALIDATION_FAILED', '(id: 2 to 63 characters a-z, 0-9 and -, starting with a letter or digit)');
  const name = checkName(input.name ?? id);
  const origins = checkOrigins(input.origins ?? []);
  await checkOriginsFree(deps, id, origins);
  const lang = checkLang(input.lang ?? 'en');
  const settingsJson = mergeSettings('{}', checkSettings(input.settings, deps.jwksLoopbackForTests === true) ?? {});
  const ssoSecret = newSsoSecret();
  if (!(await deps.siteStore.insert({ id, name, origins, lang, settingsJson }, ssoSecret))) throw new AppError('SITE_EXISTS');
  deps.origins.invalidate();
  return { site: await getSite(deps, id), ssoSecret };
}

/** Changes a site's name, origins, language or settings; unnamed fields stay as they are. */
export async function updateSite(deps: SiteAdminDeps, id: string, input: Omit<SiteInput, 'id'>): Promise<SiteRecord> {
  const raw = await deps.siteStore.rawSettings(id);
  if (raw === undefined) throw new AppError('SITE_NOT_FOUND');
  const origins = input.origins !== undefined ? checkOrigins(input.origins) : undefined;
  if (origins) await checkOriginsFree(deps, id, origins);
  await deps.siteStore.update(id, {
    ...(input.name !== undefined ? { name: checkName(input.name) } : {}),
    ...(origins !== undefined ? { origins } : {}),
    ...(input.lang !== undefined ? { lang: checkLang(input.lang) } : {}),
    ...(input.settings !== undefined ? { settingsJson: mergeSettings(raw, checkSettings(input.settings, deps.jwksLoopbackForTests === true) ?? {}) } : {}),
  });
  deps.origins.invalidate();
  return getSite(deps, id);
}

/** The site's SSO secret (admins only). */
export async function siteSsoSecret(deps: SiteAdminDeps, id: string): Promise<string> {
  await getSite(deps, id);
  return deps.siteStore.ssoSecret(id);
}

/** Replaces the site's SSO secret: tokens signed with the old one stop working at once. */
export async function rotateSiteSsoSecret(deps: SiteAdminDeps, id: string): Promise<string> {
  await getSite(deps, id);
  return deps.siteStore.rotateSsoSecret(id);
}
