/** The console's calls for sites, webhooks and staff (admins): the same /api/v1/admin routes the CLI and integrators use. */
import { call } from './api.js';

const S = '/api/v1/admin/sites';

export interface SiteSettings {
  localAccounts: boolean;
  sso: { jwksUrl: string | null; algorithms: string[] };
  guests: { enabled: boolean; holdForReview: boolean; powDifficulty: number };
}
export interface Site {
  id: string;
  name: string;
  origins: string[];
  lang: 'en' | 'fr';
  settings: SiteSettings;
  accounts?: { requireVerifiedEmail: boolean };
  createdAt: string;
}
export interface SitePatch {
  name?: string;
  origins?: string[];
  lang?: string;
  settings?: { localAccounts?: boolean; sso?: { jwksUrl?: string | null }; guests?: { enabled?: boolean; holdForReview?: boolean } };
  accounts?: { requireVerifiedEmail: boolean };
}
export interface Provider {
  slug: string;
  label: string;
  issuer: string;
  clientId: string;
  clientSecretHint: string;
}
export interface Webhook {
  id: string;
  siteId: string;
  url: string;
  events: string[];
  secret: string;
  active: boolean;
  createdAt: string;
}
export interface Delivery {
  id: string;
  webhookId: string;
  eventType: string;
  state: 'pending' | 'retrying' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  payload: string;
}
export interface Moderator {
  id: string;
  displayName: string;
  email: string | null;
}

export const WEBHOOK_EVENTS = ['story.created', 'comment.created', 'comment.reply_created', 'comment.moderated', 'comment.edited', 'comment.deleted'];

export const publisher = {
  sites: () => call<{ sites: Site[] }>('GET', S),
  site: (id: string) => call<{ site: Site; ssoSecret: string }>('GET', `${S}/${id}`),
  createSite: (b: SitePatch & { id: string }) => call<{ site: Site; ssoSecret: string }>('POST', S, b),
  updateSite: (id: string, b: SitePatch) => call<{ site: Site }>('PATCH', `${S}/${id}`, b),
  rotateSso: (id: string) => call<{ ssoSecret: string }>('POST', `${S}/${id}/sso-secret`),
  providers: (id: string) => call<{ providers: Provider[]; redirectUri: string }>('GET', `${S}/${id}/oidc-providers`),
  addProvider: (id: string, b: { preset?: 'google' | 'microsoft'; slug?: string; label?: string; issuer?: string; clientId: string; clientSecret: string }) =>
    call<{ provider: Provider }>('POST', `${S}/${id}/oidc-providers`, b),
  removeProvider: (id: string, slug: string) => call<void>('DELETE', `${S}/${id}/oidc-providers/${slug}`),
  webhooks: (id: string) => call<{ webhooks: Webhook[] }>('GET', `${S}/${id}/webhooks`),
  addWebhook: (id: string, b: { url: string; events: string[] }) => call<{ webhook: Webhook }>('POST', `${S}/${id}/webhooks`, b),
  updateWebhook: (id: string, hook: string, b: { url?: string; events?: string[]; active?: boolean; rotateSecret?: boolean }) => call<{ webhook: Webhook }>('PATCH', `${S}/${id}/webhooks/${hook}`, b),
  removeWebhook: (id: string, hook: string) => call<void>('DELETE', `${S}/${id}/webhooks/${hook}`),
  testWebhook: (id: string, hook: string) => call<{ delivery: { id: string } }>('POST', `${S}/${id}/webhooks/${hook}/test`),
  deliveries: (id: string) => call<{ deliveries: Delivery[] }>('GET', `${S}/${id}/webhook-deliveries?limit=50`),
  retry: (id: string, delivery: string) => call<{ delivery: { id: string } }>('POST', `${S}/${id}/webhook-deliveries/${delivery}/retry`),
  moderators: (id: string) => call<{ moderators: Moderator[] }>('GET', `/api/v1/admin/moderation/sites/${id}/moderators`),
  // An email, or an account id (single sign-on readers have no email at Agora).
  addModerator: (id: string, who: string) => call<{ moderator: { id: string } }>('POST', `/api/v1/admin/moderation/sites/${id}/moderators`, who.includes('@') ? { email: who } : { userId: who }),
  removeModerator: (id: string, user: string) => call<void>('DELETE', `/api/v1/admin/moderation/sites/${id}/moderators/${user}`),
};
