/**
 * The console's calls to /api/v1. The session is a bearer token kept in this browser's localStorage (the console is
 * first-party; a bearer token needs no CSRF token and survives reloads).
 */
const TOKEN_KEY = 'agora:admin-token';

import { ApiError } from '../embed/api.js';

// One error type for both browser bundles: a failed call with the server's code and localised message.
export { ApiError };

export const session = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (t: string) => localStorage.setItem(TOKEN_KEY, t),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** Calls the API; throws ApiError with the server's code and localised message. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = session.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'omit', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(res.status, data.error?.code ?? 'INTERNAL', data.error?.message ?? `HTTP ${res.status}`);
  return data as T;
}

const M = '/api/v1/admin/moderation';

export interface Me {
  user: { id: string; displayName: string; role: string } | null;
  isAdmin: boolean;
  sites: { id: string; name: string }[];
  needsSetup: boolean;
}

export type QueueName = 'pending' | 'reported' | 'unmoderated' | 'approved' | 'rejected';
export const QUEUE_NAMES: QueueName[] = ['pending', 'reported', 'unmoderated', 'approved', 'rejected'];

export interface Reason {
  phase: string;
  code: string;
  message: string;
  words?: string[];
  score?: number;
  threshold?: number;
}

export interface Item {
  id: string;
  siteId: string;
  storyId: string;
  storyTitle: string;
  storyUrl: string;
  author: { id: string; displayName: string; createdAt: string };
  bodyHtml: string;
  status: string;
  featured: boolean;
  createdAt: string;
  editedAt: string | null;
  moderation: { action: string; reasons: Reason[]; scores: { lang?: string; toxicity?: number; spam?: number } } | null;
  rejectionReason: string | null;
  reports: { reason: string; note: string | null; createdAt: string; by: string }[];
  permalink: string;
  parent: { id: string; authorName: string; body: string; status: string } | null;
}

export interface Filters {
  siteId?: string;
  storyId?: string;
  q?: string;
}

const qs = (o: Record<string, string | undefined>) => {
  const p = Object.entries(o).filter((e): e is [string, string] => !!e[1]);
  return p.length ? `?${p.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : '';
};

export const admin = {
  me: () => call<Me>('GET', `${M}/me`),
  login: (email: string, password: string) => call<{ token: string }>('POST', '/api/v1/auth/login', { email, password }),
  logout: () => call<void>('POST', '/api/v1/auth/logout'),
  setup: (b: { token: string; email: string; password: string; displayName: string }) => call<{ token: string }>('POST', `${M}/setup`, b),
  counts: (f: Filters) => call<{ counts: Record<QueueName, number> }>('GET', `${M}/queues${qs({ ...f })}`),
  queue: (q: QueueName, f: Filters, cursor?: string) => call<{ comments: Item[]; nextCursor: string | null }>('GET', `${M}/queues/${q}${qs({ ...f, cursor })}`),
  approve: (id: string) => call<unknown>('POST', `${M}/comments/${id}/approve`),
  reject: (id: string, reason: string, kind: 'abuse' | 'spam' | 'other') => call<unknown>('POST', `${M}/comments/${id}/reject`, { reason, kind }),
  dismissReports: (id: string) => call<unknown>('POST', `${M}/comments/${id}/dismiss-reports`),
  feature: (id: string, featured: boolean) => call<unknown>('POST', `${M}/comments/${id}/feature`, { featured }),
  bulk: (ids: string[], action: 'approve' | 'reject' | 'feature' | 'dismiss_reports', reason?: string) => call<{ done: string[]; failed: { id: string; code: string }[] }>('POST', `${M}/comments/bulk`, { ids, action, ...(reason ? { reason } : {}) }),
  user: (siteId: string, userId: string) => call<UserFile>('GET', `${M}/sites/${siteId}/users/${userId}`),
  standing: (siteId: string, userId: string, change: { banned?: boolean; suspendHours?: number; premoderate?: boolean }) => call<unknown>('PATCH', `${M}/sites/${siteId}/users/${userId}`, change),
  note: (siteId: string, userId: string, body: string) => call<unknown>('POST', `${M}/sites/${siteId}/users/${userId}/notes`, { body }),
  settings: (siteId: string) => call<{ settings: Settings; shippedWords: { banned: string[]; suspect: string[]; allow: string[] } }>('GET', `${M}/sites/${siteId}/settings`),
  saveSettings: (siteId: string, s: Settings) => call<{ settings: Settings }>('PUT', `${M}/sites/${siteId}/settings`, s),
  thresholdPreview: (siteId: string, task: 'toxicity' | 'spam', threshold: number) =>
    call<{ days: number; scored: number; atOrAbove: number; modelDefault: { toxicity: { fr: number; en: number }; spam: number } }>('GET', `${M}/sites/${siteId}/threshold-preview${qs({ task, threshold: String(threshold) })}`),
  audit: (f: { siteId?: string; actorId?: string; action?: string; before?: string; targetId?: string }) => call<{ entries: AuditEntry[] }>('GET', `${M}/audit${qs(f)}`),
  dashboard: (siteId?: string) => call<Dashboard>('GET', `${M}/dashboard${qs({ siteId })}`),
  story: (storyId: string) => call<StoryState>('GET', `${M}/stories/${storyId}`),
  storySettings: (storyId: string, patch: { closed?: boolean; premoderation?: boolean }) => call<StoryState>('PATCH', `${M}/stories/${storyId}`, patch),
  retrain: (siteId: string) => call<{ models: { task: string; examples: number; agreementBefore: number | null; agreementAfter: number | null }[]; skipped: { task: string; examples: number }[] }>('POST', `${M}/sites/${siteId}/retrain`),
};

export interface StoryState {
  story: { id: string; title: string; url: string; closed: boolean };
  settings: { premoderation: boolean; autoCloseDays: number | null };
}

export interface UserFile {
  user: { id: string; displayName: string; role: string; createdAt: string };
  standing: { banned: boolean; suspendedUntil: string | null; premoderate: boolean };
  counts: { published: number; pending: number; rejected: number };
  notes: { id: string; body: string; authorName: string; createdAt: string }[];
  recent: { id: string; excerpt: string; status: string; createdAt: string; storyTitle: string; permalink: string }[];
}

export interface Settings {
  mode: 'post' | 'pre';
  links: 'allow' | 'hold-new' | 'hold-all' | 'reject';
  newUserHours: number;
  newUserComments: number;
  premoderateFirst: number;
  toxicity: { hold: number | null; reject: number | null };
  spam: { hold: number | null; reject: number | null };
  rate: { max: number; windowSeconds: number };
  flood: { max: number; windowSeconds: number };
  duplicateHours: number;
  autoCloseDays: number | null;
  languages: ('fr' | 'en')[] | null;
  words: { useDefaults: boolean; banned: string[]; suspect: string[]; allow: string[] };
}

export interface AuditEntry {
  id: string;
  siteId: string | null;
  actorId: string | null;
  targetLabel?: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

export interface Dashboard {
  hours: { hour: string; published: number; held: number; rejected: number }[];
  topStories: { id: string; title: string; url: string; comments: number }[];
  totals: { published: number; held: number; rejected: number };
}
