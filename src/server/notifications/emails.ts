import type { Lang } from '../../i18n/discussion.js';
import { commentUrl } from '../comments/permalink.js';
import { escapeHtml } from '../pages/html.js';
import type { Notification } from './repository.js';

/** The words of notification emails. `fr` is typed against `en`, so a missing string fails to compile. */
const en = {
  reply: (who: string, story: string) => `${who} replied to your comment on “${story}”`,
  approved: (story: string) => `Your comment on “${story}” is published`,
  rejected: (story: string) => `Your comment on “${story}” was not published`,
  featured: (story: string) => `Your comment on “${story}” was featured`,
  reason: (r: string) => `Reason: ${r}`,
  someone: 'Someone',
  open: 'Read the discussion',
  digestSubject: (n: number) => (n === 1 ? 'Your Agora notification' : `Your ${n} Agora notifications`),
  digestIntro: 'Here is what happened around your comments:',
  footer: 'You receive this email because you comment on this site.',
  unsubscribe: 'Stop these emails',
  settings: 'Notification settings',
};
const fr: typeof en = {
  reply: (who, story) => `${who} a répondu à votre commentaire sur « ${story} »`,
  approved: (story) => `Votre commentaire sur « ${story} » est publié`,
  rejected: (story) => `Votre commentaire sur « ${story} » n’a pas été publié`,
  featured: (story) => `Votre commentaire sur « ${story} » a été mis en avant`,
  reason: (r) => `Motif : ${r}`,
  someone: 'Quelqu’un',
  open: 'Lire la discussion',
  digestSubject: (n) => (n === 1 ? 'Votre notification Agora' : `Vos ${n} notifications Agora`),
  digestIntro: 'Voici ce qui s’est passé autour de vos commentaires :',
  footer: 'Vous recevez cet e-mail parce que vous commentez sur ce site.',
  unsubscribe: 'Ne plus recevoir ces e-mails',
  settings: 'Réglages des notifications',
};
export const emailStrings: Record<Lang, typeof en> = { en, fr };

/** One line that says what happened. */
export function headline(n: Notification, lang: Lang): string {
  const t = emailStrings[lang];
  switch (n.kind) {
    case 'reply':
      return t.reply(n.actorName ?? t.someone, n.storyTitle);
    case 'approved':
      return t.approved(n.storyTitle);
    case 'rejected':
      return t.rejected(n.storyTitle);
    case 'featured':
      return t.featured(n.storyTitle);
  }
}

const link = (n: Notification) => commentUrl(n.storyUrl, n.commentId);

/** An email for one notification, or a digest of several, with the unsubscribe links in body and headers. */
export function renderEmail(list: Notification[], lang: Lang, links: { unsubscribe: string; settings: string }): { subject: string; text: string; html: string; headers: Record<string, string> } {
  const t = emailStrings[lang];
  const one = list.length === 1 ? list[0] : undefined;
  const subject = one ? headline(one, lang) : t.digestSubject(list.length);
  const items = list.map((n) => ({ line: headline(n, lang), reason: n.kind === 'rejected' && n.reason ? t.reason(n.reason) : null, href: link(n) }));
  const text = [
    ...(one ? [] : [t.digestIntro, '']),
    ...items.flatMap((i) => [i.line, ...(i.reason ? [i.reason] : []), `${t.open}: ${i.href}`, '']),
    '--',
    t.footer,
    `${t.settings}: ${links.settings}`,
    `${t.unsubscribe}: ${links.unsubscribe}`,
  ].join('\n');
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,sans-serif;line-height:1.5">${one ? '' : `<p>${escapeHtml(t.digestIntro)}</p>`}${items
    .map((i) => `<p><strong>${escapeHtml(i.line)}</strong>${i.reason ? `<br>${escapeHtml(i.reason)}` : ''}<br><a href="${escapeHtml(i.href)}">${escapeHtml(t.open)}</a></p>`)
    .join('')}<hr><p style="font-size:small;color:#555">${escapeHtml(t.footer)} <a href="${escapeHtml(links.settings)}">${escapeHtml(t.settings)}</a> · <a href="${escapeHtml(links.unsubscribe)}">${escapeHtml(t.unsubscribe)}</a></p></body></html>`;
  // RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the URL, no page to load.
  const headers = { 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  return { subject, text, html, headers };
}
