import type { SiteRecord } from '../sites/store.js';
import type { Delivery, Webhook } from '../webhooks/repository.js';
import { WEBHOOK_EVENTS } from '../webhooks/repository.js';
import { html, raw, type Raw } from './html.js';

// Staff pages are in English, like the moderation console they sit beside.
const CSS = `body{margin:0;font:15px/1.45 system-ui,sans-serif;background:#f6f6f4;color:#1d1d1b}
header{background:#1d1d1b;color:#fff;padding:.6rem 1rem}header a{color:#fff;margin-right:1rem}
main{max-width:64rem;margin:0 auto;padding:1rem}table{border-collapse:collapse;width:100%;background:#fff}
td,th{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}section{background:#fff;border:1px solid #ddd;padding:.75rem 1rem;margin:1rem 0}
input[type=text],input[type=url],textarea,select{width:100%;max-width:32rem;padding:.3rem;font:inherit}code{word-break:break-all}
.ok{color:#060}.bad{color:#a00}.msg{padding:.5rem;background:#eef7ee;border:1px solid #9c9}.err{background:#fbeaea;border-color:#d99}`;

function shell(title: string, body: Raw): string {
  return (
    '<!doctype html>' +
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>Agora · ${title}</title><style>${raw(CSS)}</style></head>
<body><header><a href="/admin">Moderation</a><a href="/admin/sites">Sites</a><a href="/admin/webhooks">Webhooks</a></header>
<main><h1>${title}</h1>${body}</main></body></html>`.value
  );
}

const csrfField = (token: string) => html`<input type="hidden" name="csrf" value="${token}">`;
const checked = (on: boolean) => (on ? raw(' checked') : '');
const notice = (m: { error: boolean; text: string } | null) => (m ? html`<p class="msg${m.error ? ' err' : ''}" role="${m.error ? 'alert' : 'status'}">${m.text}</p>` : '');

function siteForm(s: SiteRecord | null, csrf: string): Raw {
  const action = s ? `/admin/sites/${encodeURIComponent(s.id)}` : '/admin/sites';
  return html`<form method="post" action="${action}">${csrfField(csrf)}
${s ? '' : html`<p><label>Id (the <code>aud</code> of SSO tokens)<br><input type="text" name="id" required pattern="[a-z0-9][a-z0-9-]{1,62}"></label></p>`}
<p><label>Name<br><input type="text" name="name" value="${s?.name ?? ''}" required></label></p>
<p><label>Allowed origins (one per line)<br><textarea name="origins" rows="3">${(s?.origins ?? []).join('\n')}</textarea></label></p>
<p><label>Language <select name="lang"><option value="fr"${s?.lang === 'fr' ? raw(' selected') : ''}>fr</option><option value="en"${s?.lang === 'en' ? raw(' selected') : ''}>en</option></select></label></p>
<p><label><input type="checkbox" name="localAccounts" value="on"${checked(s?.settings.localAccounts ?? true)}> Local Agora accounts (off: single sign-on only)</label><br>
<label><input type="checkbox" name="guests" value="on"${checked(s?.settings.guests.enabled ?? false)}> Guest comments</label><br>
<label><input type="checkbox" name="guestsHold" value="on"${checked(s?.settings.guests.holdForReview ?? true)}> Hold guest comments for review</label></p>
<p><label>JWKS URL for RS256/EdDSA tokens (optional)<br><input type="url" name="jwksUrl" value="${s?.settings.sso.jwksUrl ?? ''}"></label></p>
<p><button type="submit">${s ? 'Save' : 'Create site'}</button></p></form>`;
}

/** The sites page: every site with its settings and SSO secret, a form to change each, and one to add a site. */
export function renderSitesPage(o: { sites: (SiteRecord & { ssoSecret: string })[]; csrf: string; message: { error: boolean; text: string } | null }): string {
  const body = html`${notice(o.message)}
${o.sites.map(
  (s) => html`<section id="site-${s.id}"><h2>${s.name} <small>(<code>${s.id}</code>)</small></h2>
<p><a href="/admin/webhooks?site=${encodeURIComponent(s.id)}">Webhooks and delivery log</a></p>
<details><summary>SSO secret (HS256)</summary><p><code>${s.ssoSecret}</code></p>
<form method="post" action="/admin/sites/${encodeURIComponent(s.id)}/rotate-secret">${csrfField(o.csrf)}<button type="submit">Rotate: tokens signed with this secret stop working</button></form></details>
${siteForm(s, o.csrf)}</section>`,
)}
<section><h2>New site</h2>${siteForm(null, o.csrf)}</section>`;
  return shell('Sites', body);
}

const stateClass = (d: Delivery) => (d.state === 'delivered' ? 'ok' : d.state === 'failed' ? 'bad' : '');

/** The webhooks page of one site: its webhooks, a form to add one, and the delivery log. */
export function renderWebhooksPage(o: { sites: { id: string; name: string }[]; siteId: string | null; hooks: Webhook[]; deliveries: Delivery[]; csrf: string; message: { error: boolean; text: string } | null }): string {
  const pick = html`<p>Site: ${o.sites.map((s) => html`<a href="/admin/webhooks?site=${encodeURIComponent(s.id)}"${o.siteId === s.id ? raw(' aria-current="page"') : ''}>${s.name}</a> `)}</p>`;
  if (!o.siteId) return shell('Webhooks', html`${notice(o.message)}${pick}<p>Choose a site.</p>`);
  const base = `/admin/webhooks/${encodeURIComponent(o.siteId)}`;
  const body = html`${notice(o.message)}${pick}
<section><h2>Webhooks</h2>${
    o.hooks.length === 0
      ? html`<p>None yet.</p>`
      : html`<table><tr><th>URL</th><th>Events</th><th>Secret</th><th></th></tr>${o.hooks.map(
          (h) => html`<tr><td><code>${h.url}</code>${h.active ? '' : html` <em>(disabled)</em>`}</td><td>${h.events.join(', ')}</td><td><details><summary>show</summary><code>${h.secret}</code></details></td>
<td><form method="post" action="${base}/${encodeURIComponent(h.id)}/toggle">${csrfField(o.csrf)}<button type="submit">${h.active ? 'Disable' : 'Enable'}</button></form>
<form method="post" action="${base}/${encodeURIComponent(h.id)}/delete">${csrfField(o.csrf)}<button type="submit">Delete</button></form></td></tr>`,
        )}</table>`
  }
<h3>Add a webhook</h3><form method="post" action="${base}">${csrfField(o.csrf)}
<p><label>URL<br><input type="url" name="url" required></label></p>
<fieldset><legend>Events (none ticked: all)</legend>${WEBHOOK_EVENTS.map((e) => html`<label><input type="checkbox" name="events" value="${e}"> ${e}</label><br>`)}</fieldset>
<p><button type="submit">Add</button></p></form></section>
<section><h2>Delivery log</h2>${
    o.deliveries.length === 0
      ? html`<p>No deliveries yet.</p>`
      : html`<table><tr><th>Time</th><th>Event</th><th>State</th><th>Attempts</th><th>Last result</th><th>Next attempt</th></tr>${o.deliveries.map(
          (d) => html`<tr><td><time datetime="${d.createdAt}">${d.createdAt.replace('T', ' ').slice(0, 19)}</time></td><td>${d.eventType}</td><td class="${stateClass(d)}">${d.state}</td><td>${d.attempts}</td><td>${d.lastStatus ?? ''} ${d.lastError ?? ''}</td><td>${d.nextAttemptAt ?? ''}</td></tr>`,
        )}</table>`
  }</section>`;
  return shell('Webhooks', body);
}
