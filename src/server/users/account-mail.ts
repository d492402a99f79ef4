import { accountStrings, type AccountStrings } from '../../i18n/accounts.js';
import type { Lang } from '../../i18n/discussion.js';
import { backoff, type JobDefinition, type JobQueue } from '../jobs/queue.js';
import type { Mail, Mailer } from '../notifications/mailer.js';
import { escapeHtml } from '../pages/html.js';
import type { SiteStore } from '../sites/store.js';
import type { Queryable } from '../storage/tx.js';
import type { UsersRepository } from './repository.js';
import { linkToken, TOKEN_TTL_MS, type AccountToken, type AccountTokens } from './tokens.js';

/** Mails a link of `account_tokens` (reset, verification); the payload names the row only. */
export const ACCOUNT_LINK_JOB = 'email.account-link';
/** Tells the current address that a change of address was asked. */
export const ACCOUNT_NOTICE_JOB = 'email.account-notice';

/** What account mails need. */
export interface AccountMailDeps {
  tokens: AccountTokens;
  users: UsersRepository;
  sites: SiteStore;
  jobs: JobQueue;
  mailer: Mailer;
  publicUrl: string;
  secret: string;
}

/** The name readers know the discussion by: the publisher's site, else the instance's own. */
export async function siteName(sites: SiteStore, siteId: string | null): Promise<string> {
  const site = siteId ? await sites.get(siteId) : undefined;
  return site?.name ?? 'Agora';
}

/** `jean.dupont@example.com` → `j…@example.com`: enough for the owner to recognise, little for anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}…${email.slice(at)}`;
}

/** Queues the mail of a link recorded in `q` (the same transaction); kick the queue after the commit. */
export async function queueLinkMail(deps: AccountMailDeps, q: Queryable, tokenId: string): Promise<void> {
  await deps.jobs.enqueue(ACCOUNT_LINK_JOB, { tokenId }, {}, q);
}

/** Queues the notice to the current address of an email change, in `q`. */
export async function queueChangeNotice(deps: AccountMailDeps, q: Queryable, n: { to: string; newEmail: string; lang: Lang; siteId: string | null }): Promise<void> {
  await deps.jobs.enqueue(ACCOUNT_NOTICE_JOB, { to: n.to, masked: maskEmail(n.newEmail), lang: n.lang, siteId: n.siteId }, {}, q);
}

function compose(to: string, lang: Lang, subject: string, lines: string[], link: { href: string; label?: string }, after: string[]): Mail {
  const t = accountStrings[lang];
  const text = [...lines, '', link.href, '', ...after, '', '--', t.mailFooter].join('\n');
  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,sans-serif;line-height:1.5">${lines.map(p).join('')}<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label ?? link.href)}</a></p>${after.map(p).join('')}<hr><p style="font-size:small;color:#555">${escapeHtml(t.mailFooter)}</p></body></html>`;
  return { to, subject, text, html };
}

/** The email of a link: reset, verification of the account's address, or of a new address. */
export function renderLinkMail(t: AccountStrings, token: AccountToken, to: string, site: string, href: string, changing: boolean): Mail {
  if (token.purpose === 'reset') return compose(to, token.lang, t.mailResetSubject(site), [t.mailResetBody(site)], { href, label: t.resetTitle }, [t.mailResetValidity(TOKEN_TTL_MS.reset / 60_000), t.mailResetIgnore]);
  const hours = TOKEN_TTL_MS.verify / 3_600_000;
  return compose(to, token.lang, changing ? t.mailChangeSubject(site) : t.mailVerifySubject(site), [changing ? t.mailChangeBody(site) : t.mailVerifyBody(site)], { href, label: t.verifyTitle }, [t.mailVerifyValidity(hours), t.mailVerifyIgnore]);
}

/** Job handlers of account mails. A link used, expired or replaced before its mail went out is not sent. */
export function accountMailJobs(deps: AccountMailDeps): Record<string, JobDefinition> {
  // A link is worth retrying only while it works.
  const retryAt = backoff(30_000, TOKEN_TTL_MS.reset);
  return {
    [ACCOUNT_LINK_JOB]: {
      async run(payload) {
        if (!deps.mailer.enabled) return;
        const id = (payload as { tokenId?: unknown }).tokenId;
        const token = typeof id === 'string' ? await deps.tokens.live(id) : undefined;
        if (!token) return;
        const user = await deps.users.get(token.userId);
        const to = token.purpose === 'reset' ? user?.email : token.email;
        if (!user || !to) return;
        const page = token.purpose === 'reset' ? 'reset' : 'verify';
        const href = `${deps.publicUrl}/auth/${page}?t=${linkToken(deps.secret, token.id)}&lang=${token.lang}`;
        const mail = renderLinkMail(accountStrings[token.lang], token, to, await siteName(deps.sites, token.siteId), href, token.purpose === 'verify' && to !== user.email);
        await deps.mailer.send(mail);
      },
      retryAt,
    },
    [ACCOUNT_NOTICE_JOB]: {
      async run(payload) {
        if (!deps.mailer.enabled) return;
        const p = payload as { to?: unknown; masked?: unknown; lang?: unknown; siteId?: unknown };
        if (typeof p.to !== 'string' || typeof p.masked !== 'string') return;
        const lang: Lang = p.lang === 'fr' ? 'fr' : 'en';
        const t = accountStrings[lang];
        const site = await siteName(deps.sites, typeof p.siteId === 'string' ? p.siteId : null);
        const href = `${deps.publicUrl}/auth/forgot?lang=${lang}`;
        await deps.mailer.send(compose(p.to, lang, t.mailNoticeSubject(site), [t.mailNoticeBody(site, p.masked), t.mailNoticeAct], { href, label: t.forgotTitle }, []));
      },
      retryAt: backoff(60_000, 24 * 3_600_000),
    },
  };
}
