import type { Lang } from '../../i18n/discussion.js';
import type { Session } from './session.js';

/** A failed API call; `message` is already in the reader's language (from the server, or ours for network failures). */
export class ApiError extends Error {
  // Declared, then set in the constructor: class fields (ES2022) are rewritten for the build's ES2020 target with a
  // defineProperty helper that every reader would download.
  declare readonly status: number;
  declare readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    Object.assign(this, { status, code });
  }
}

/** Calls one API v1 endpoint and resolves its JSON body (undefined for 204). */
export type Request = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** What a client needs to know; `session` is read on every call so sign-in and sign-out apply at once. */
export interface ClientConfig {
  api: string;
  lang: Lang;
  session: Session;
  /** Shown when the server cannot be reached or answers with something that is not our error format. */
  offline: string;
  /** Called on any 401: the token or cookie session is no longer valid. */
  onUnauthorized(): void;
}

/** Builds the fetch wrapper shared by the widget and the sign-in popup. */
export function createClient(cfg: ClientConfig): Request {
  return async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const { session } = cfg;
    // Accept-Language on every call so error messages come back in the widget's language, not the browser's.
    const headers: Record<string, string> = { 'Accept-Language': cfg.lang };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session.firstParty) {
      // The cookie is sent by the browser; unsafe methods must prove they come from our page (CSRF).
      if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
    } else if (session.token) {
      headers.Authorization = `Bearer ${session.token}`;
    }
    let res: Response;
    try {
      res = await fetch(`${cfg.api}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // Third-party mode never sends cookies: browsers block them there, and a token cannot be forged cross-site.
        credentials: session.firstParty ? 'same-origin' : 'omit',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', cfg.offline);
    }
    if (res.status === 401) cfg.onUnauthorized();
    const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? cfg.offline);
    }
    return data as T;
  };
}
