import type { Command } from 'commander';
import { AppError, errorCatalog } from '../server/errors.js';
import { createSite, listSites, rotateSiteSsoSecret, siteSsoSecret, updateSite, type SiteAdminDeps } from '../server/sites/admin.js';
import type { SettingsPatch } from '../server/sites/settings.js';
import type { SiteRecord } from '../server/sites/store.js';
import { siteStore } from '../server/sites/store.js';
import { withDatabase } from './db.js';

/** Opens the configured database (same environment as the server; it must exist), runs `work`, always closes it. */
async function withSites<T>(work: (deps: SiteAdminDeps) => Promise<T>): Promise<T> {
  try {
    return await withDatabase((db) => work(((s) => ({ siteStore: s, origins: s }))(siteStore(db))));
  } catch (err) {
    // The operator reads words, not codes.
    if (err instanceof AppError) throw new Error(`${errorCatalog[err.code].en}${err.details ? ` ${err.details}` : ''}`, { cause: err });
    throw err;
  }
}

const onOff = (v: string | undefined, flag: string): boolean | undefined => {
  if (v === undefined) return undefined;
  if (['on', 'true', 'yes'].includes(v)) return true;
  if (['off', 'false', 'no'].includes(v)) return false;
  throw new Error(`${flag} takes on or off, got "${v}"`);
};

interface Flags {
  name?: string;
  origin?: string[];
  lang?: string;
  localAccounts?: string;
  guests?: string;
  guestsHold?: string;
  jwksUrl?: string;
  rotateSecret?: boolean;
  json?: boolean;
}

function settingsFrom(o: Flags): SettingsPatch | undefined {
  const patch: SettingsPatch = {};
  const local = onOff(o.localAccounts, '--local-accounts');
  if (local !== undefined) patch.localAccounts = local;
  const guests = onOff(o.guests, '--guests');
  const hold = onOff(o.guestsHold, '--guests-hold');
  if (guests !== undefined || hold !== undefined) patch.guests = { ...(guests !== undefined ? { enabled: guests } : {}), ...(hold !== undefined ? { holdForReview: hold } : {}) };
  if (o.jwksUrl !== undefined) patch.sso = { jwksUrl: o.jwksUrl === '' ? null : o.jwksUrl };
  return Object.keys(patch).length ? patch : undefined;
}

function describe(site: SiteRecord, secret?: string): string {
  const g = site.settings.guests;
  return [
    `${site.id}  ${site.name}  (${site.lang})`,
    `  origins:        ${site.origins.join(', ') || '(none)'}`,
    `  local accounts: ${site.settings.localAccounts ? 'on' : 'off'}`,
    `  guests:         ${g.enabled ? `on${g.holdForReview ? ', held for review' : ''}` : 'off'}`,
    `  sso:            HS256 with the site secret${site.settings.sso.jwksUrl ? `; RS256/EdDSA from ${site.settings.sso.jwksUrl}` : ''}`,
    ...(secret ? [`  sso secret:     ${secret}`] : []),
  ].join('\n');
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** `agora site create|list|update`: the sites an instance serves, their origins, settings and SSO secret. */
export function registerSite(program: Command): void {
  const site = program.command('site').description('manage the sites (publishers) this Agora serves');
  const common = (c: Command) =>
    c
      .option('--name <name>', 'display name')
      .option('--origin <origin>', 'allowed origin (repeat, or comma-separated)', collect)
      .option('--lang <lang>', 'language of the site: en or fr')
      .option('--local-accounts <on|off>', 'allow Agora accounts with a password (off: single sign-on only)')
      .option('--guests <on|off>', 'allow guest comments')
      .option('--guests-hold <on|off>', 'hold guest comments for review')
      .option('--jwks-url <url>', 'URL of the publisher’s public keys for RS256/EdDSA tokens ("" to remove)')
      .option('--json', 'print JSON');

  common(site.command('create <id>').description('create a site; prints its id and SSO secret')).action(async (id: string, o: Flags) => {
    const out = await withSites((deps) => createSite(deps, { id, name: o.name, origins: o.origin ?? [], lang: o.lang, settings: settingsFrom(o) }));
    process.stdout.write(o.json ? `${JSON.stringify({ ...out.site, ssoSecret: out.ssoSecret })}\n` : `${describe(out.site, out.ssoSecret)}\n`);
  });

  site
    .command('list')
    .description('list the sites')
    .option('--json', 'print JSON (with each site’s SSO secret)')
    .action(async (o: Flags) => {
      const rows = await withSites(async (deps) => Promise.all((await listSites(deps)).map(async (s) => ({ ...s, ssoSecret: await siteSsoSecret(deps, s.id) }))));
      process.stdout.write(o.json ? `${JSON.stringify(rows)}\n` : rows.map((r) => describe(r)).join('\n') + '\n');
    });

  common(site.command('update <id>').description('change a site (unnamed options stay as they are)'))
    .option('--rotate-secret', 'replace the SSO secret (tokens signed with the old one stop working)')
    .action(async (id: string, o: Flags) => {
      const out = await withSites(async (deps) => {
        const updated = await updateSite(deps, id, { name: o.name, origins: o.origin, lang: o.lang, settings: settingsFrom(o) });
        const ssoSecret = o.rotateSecret ? await rotateSiteSsoSecret(deps, id) : await siteSsoSecret(deps, id);
        return { site: updated, ssoSecret };
      });
      process.stdout.write(o.json ? `${JSON.stringify({ ...out.site, ssoSecret: out.ssoSecret })}\n` : `${describe(out.site, o.rotateSecret ? out.ssoSecret : undefined)}\n`);
    });
}
