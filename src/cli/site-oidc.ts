import type { Command } from 'commander';
import { AppError, errorCatalog } from '../server/errors.js';
import { addProvider, listProviders, PRESETS, removeProvider, type OidcAdminDeps, type PresentedProvider } from '../server/oidc/admin.js';
import { callbackPath } from '../server/oidc/deps.js';
import { oidcRepository } from '../server/oidc/repository.js';
import { siteStore } from '../server/sites/store.js';
import { withDatabase } from './db.js';

/** Runs `work` on the configured database (same environment as the server; never a new one: cli/db.ts). */
async function withProviders<T>(work: (deps: OidcAdminDeps, redirectUri: string) => Promise<T>): Promise<T> {
  return withDatabase(async (db, config) => {
    try {
      return await work({ siteStore: siteStore(db), oidc: oidcRepository(db), internalOrigins: config.oidcInternalIssuers }, new URL(callbackPath, config.publicUrl).href);
    } catch (err) {
      // The operator reads words, not codes.
      if (err instanceof AppError) throw new Error(`${errorCatalog[err.code].en}${err.details ? ` ${err.details}` : ''}`, { cause: err });
      throw err;
    }
  });
}

/** The secret from standard input (`--client-secret -`): kept out of the shell's history and the process list. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

const describe = (p: PresentedProvider) => `${p.slug}  ${p.label}  ${p.issuer}  client ${p.clientId}  secret ${p.clientSecretHint}`;

interface AddFlags {
  preset?: string;
  slug?: string;
  label?: string;
  issuer?: string;
  clientId: string;
  clientSecret: string;
  json?: boolean;
}

/** `agora site oidc add|list|remove`: the identity providers a site's readers may sign in with. */
export function registerSiteOidc(program: Command): void {
  const site = program.commands.find((c) => c.name() === 'site') ?? program.command('site');
  const oidc = site.command('oidc').description('sign-in with identity providers (OpenID Connect) for a site’s readers');

  oidc
    .command('add <siteId>')
    .description(`add a provider: --preset ${Object.keys(PRESETS).join('|')}, or --slug, --label and --issuer for any other`)
    .option('--preset <name>', `a known provider: ${Object.keys(PRESETS).join(' or ')}`)
    .option('--slug <slug>', 'name in URLs (a-z0-9-); defaults to the preset')
    .option('--label <label>', 'button text: "Continue with <label>"')
    .option('--issuer <url>', 'the provider’s issuer URL (https; discovery at <issuer>/.well-known/openid-configuration)')
    .requiredOption('--client-id <id>', 'the client id the provider gave you')
    .requiredOption('--client-secret <secret>', 'the client secret, or - to read it from standard input')
    .option('--json', 'print JSON')
    .action(async (siteId: string, o: AddFlags) => {
      const clientSecret = o.clientSecret === '-' ? await readStdin() : o.clientSecret;
      const { provider, redirectUri } = await withProviders(async (deps, redirectUri) => ({ provider: await addProvider(deps, siteId, { ...o, clientSecret }), redirectUri }));
      process.stdout.write(o.json ? `${JSON.stringify({ ...provider, redirectUri })}\n` : `${describe(provider)}\nredirect URI to register with the provider: ${redirectUri}\n`);
    });

  oidc
    .command('list <siteId>')
    .description('list a site’s providers (secrets are never printed)')
    .option('--json', 'print JSON')
    .action(async (siteId: string, o: { json?: boolean }) => {
      const { providers, redirectUri } = await withProviders(async (deps, redirectUri) => ({ providers: await listProviders(deps, siteId), redirectUri }));
      if (o.json) process.stdout.write(`${JSON.stringify({ providers, redirectUri })}\n`);
      else process.stdout.write(`${providers.map(describe).join('\n') || '(no provider)'}\nredirect URI: ${redirectUri}\n`);
    });

  oidc
    .command('remove <siteId> <slug>')
    .description('remove a provider; its readers keep their accounts')
    .action(async (siteId: string, slug: string) => {
      await withProviders((deps) => removeProvider(deps, siteId, slug));
      process.stdout.write(`removed ${slug} from ${siteId}\n`);
    });
}
