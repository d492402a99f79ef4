import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Portable on SQLite and PostgreSQL: times are ISO 8601 UTC strings of fixed width
 * (sortable as text), booleans are 0/1 integers, ids are random text.
 */
export interface Database {
  meta: { key: string; value: string };
  sites: SitesTable;
  users: UsersTable;
  user_identities: UserIdentitiesTable;
  sessions: SessionsTable;
  stories: StoriesTable;
  articles: ArticlesTable;
  comments: CommentsTable;
  comment_revisions: CommentRevisionsTable;
  reactions: ReactionsTable;
  reports: ReportsTable;
  site_secrets: SiteSecretsTable;
  sso_revocations: SsoRevocationsTable;
  sso_profiles: SsoProfilesTable;
  jobs: JobsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  notification_settings: NotificationSettingsTable;
  notifications: NotificationsTable;
  guest_authors: GuestAuthorsTable;
  pow_spent: PowSpentTable;
  display_name_changes: DisplayNameChangesTable;
  moderation_settings: ModerationSettingsTable;
  user_standing: UserStandingTable;
  moderator_notes: ModeratorNotesTable;
  site_moderators: SiteModeratorsTable;
  moderation_audit: ModerationAuditTable;
  moderation_examples: ModerationExamplesTable;
  moderation_models: ModerationModelsTable;
  story_events: StoryEventsTable;
  story_pending: StoryPendingTable;
  privacy_deletions: PrivacyDeletionsTable;
  privacy_audit: PrivacyAuditTable;
  outbox: OutboxTable;
  leases: LeasesTable;
  oidc_providers: OidcProvidersTable;
  oidc_secrets: OidcSecretsTable;
  account_tokens: AccountTokensTable;
  ignored_users: IgnoredUsersTable;
}

export interface SitesTable {
  id: string;
  name: string;
  /** JSON array of allowed origins. */
  origins: string;
  lang: string;
  /** JSON object of per-site settings (moderation mode, SSO, guests…); each feature validates its own part. */
  settings: Generated<string>;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string | null;
  display_name: string;
  password_hash: string | null;
  role: string;
  created_at: string;
  /** When the reader proved they receive mail at `email` (a link we sent); null when never (migration 010). */
  email_verified_at: string | null;
}

export interface UserIdentitiesTable {
  site_id: string;
  provider: string;
  subject: string;
  user_id: string;
  created_at: string;
}

export interface SessionsTable {
  /** sha256 of the token: a stolen database does not yield usable tokens. */
  id: string;
  user_id: string;
  kind: string;
  /** 'full' or 'embed' (a token handed to a publisher's page: commenting on `site_id` only); see auth/sessions.ts. */
  scope: Generated<string>;
  site_id: string | null;
  /** When the password was last checked in this session (sign-in, re-authentication); null when never. */
  authenticated_at: string | null;
  created_at: string;
  expires_at: string;
}

export interface StoriesTable {
  id: string;
  site_id: string;
  url: string;
  title: string;
  lang: string;
  closed: number;
  comment_count: Generated<number>;
  /** JSON object of per-story settings (auto-close, pre-moderation, message box). */
  settings: Generated<string>;
  published_at: string | null;
  created_at: string;
  /** Number of the story's last public event (migration 005). */
  event_seq: Generated<number>;
}

export interface ArticlesTable {
  id: string;
  site_id: string;
  slug: string;
  story_id: string;
  lang: string;
  title: string;
  standfirst: string;
  byline: string;
  published_at: string;
  /** JSON array of paragraphs. */
  paragraphs: string;
}

export interface CommentsTable {
  id: string;
  site_id: string;
  story_id: string;
  parent_id: string | null;
  root_id: string | null;
  depth: number;
  in_reply_to_id: string | null;
  author_id: string;
  body: string;
  body_html: string;
  status: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  reaction_count: Generated<number>;
  reply_count: Generated<number>;
  external_id: string | null;
  /** JSON verdict of the moderation pipeline (migration 002): action, reasons, scores. */
  moderation: string | null;
  /** Why a moderator rejected it, shown to its author (migration 002). */
  rejection_reason: string | null;
  moderated_by: string | null;
  moderated_at: string | null;
  featured: Generated<number>;
}

export interface CommentRevisionsTable {
  id: string;
  comment_id: string;
  body: string;
  created_at: string;
}

export interface ReactionsTable {
  comment_id: string;
  user_id: string;
  created_at: string;
}

export interface ReportsTable {
  id: string;
  comment_id: string;
  user_id: string;
  reason: string;
  note: string | null;
  created_at: string;
}

/** A story's public event, as live readers receive it (migration 005). */
export interface StoryEventsTable {
  story_id: string;
  seq: number;
  type: string;
  /** JSON of the event's data, presented for a reader with no special rights. */
  payload: string;
  comment_id: string | null;
  created_at: string;
}

/** Public events and count deltas a change recorded, until the sequencer numbers and folds them (migration 009). */
export interface StoryPendingTable {
  id: Generated<number>;
  story_id: string;
  type: string | null;
  payload: string | null;
  comment_id: string | null;
  count_delta: number;
  created_at: string;
}

/** Moderation settings of a site (migration 002): JSON validated by moderation/settings.ts. */
export interface ModerationSettingsTable {
  site_id: string;
  settings: string;
  updated_at: string;
}

/** A user's standing on one site (migration 002). */
export interface UserStandingTable {
  site_id: string;
  user_id: string;
  banned: Generated<number>;
  suspended_until: string | null;
  premoderate: Generated<number>;
  updated_at: string;
}

export interface ModeratorNotesTable {
  id: string;
  site_id: string;
  user_id: string;
  author_id: string;
  body: string;
  created_at: string;
}

/** Moderators of one site only (migration 002). */
export interface SiteModeratorsTable {
  site_id: string;
  user_id: string;
  created_at: string;
}

/** Every moderation and settings action (migration 002); before/after are JSON. */
export interface ModerationAuditTable {
  id: string;
  site_id: string | null;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
  created_at: string;
}

/** A moderator's decision as a labelled text (migration 002): label 1 = rejected. */
export interface ModerationExamplesTable {
  site_id: string;
  comment_id: string;
  text: string;
  lang: string;
  label: number;
  /** 'toxicity' or 'spam': which model the example teaches. */
  kind: string;
  created_at: string;
}

/** A site's retrained model file (migration 002). */
export interface ModerationModelsTable {
  site_id: string;
  task: string;
  model: string;
  examples: number;
  trained_at: string;
}

// ---- Publisher integration (migration 003) ----

/** A site's secrets, apart from its settings so presenting settings cannot leak them. */
export interface SiteSecretsTable {
  site_id: string;
  /** HS256 key of the site's single sign-on tokens. */
  sso_secret: string;
  created_at: string;
  rotated_at: string | null;
}

/** SSO tokens of (site, subject) issued at or before `revoked_before` (Unix seconds) are refused. */
export interface SsoRevocationsTable {
  site_id: string;
  subject: string;
  revoked_before: number;
  updated_at: string;
}

/** What a site's single sign-on said about its reader last time. */
export interface SsoProfilesTable {
  user_id: string;
  site_id: string;
  name_claim: string;
  avatar: string | null;
  /** JSON array of strings. */
  badges: Generated<string>;
  role: string | null;
  updated_at: string;
}

/** The durable job queue shared by every node. */
export interface JobsTable {
  id: string;
  kind: string;
  /** JSON payload, validated by the job's handler. */
  payload: string;
  dedupe_key: string | null;
  /** queued | done | dead */
  state: string;
  run_at: string;
  attempts: Generated<number>;
  locked_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface WebhooksTable {
  id: string;
  site_id: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  secret: string;
  active: Generated<number>;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  site_id: string;
  event_type: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  /** pending | retrying | delivered | failed */
  state: string;
  attempts: Generated<number>;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  /** The outbox event it came from (migration 007): one delivery per event, webhook and event type. */
  event_id: string | null;
  /** The comment its payload carries, so a removal can scrub the payload (migration 007). */
  comment_id: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
  created_at: string;
}

export interface NotificationSettingsTable {
  user_id: string;
  /** immediate | digest | none */
  mode: string;
  lang: string | null;
  /** Notification address of accounts without users.email (single sign-on readers). */
  email: string | null;
  updated_at: string;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  site_id: string;
  /** reply | approved | rejected | featured */
  kind: string;
  comment_id: string;
  story_id: string;
  actor_name: string | null;
  reason: string | null;
  created_at: string;
  read_at: string | null;
  emailed_at: string | null;
  /** The outbox event it came from (migration 007): one notification per event, recipient and kind. */
  event_id: string | null;
}

export interface GuestAuthorsTable {
  user_id: string;
  site_id: string;
  email: string;
  created_at: string;
}

export interface PowSpentTable {
  challenge_id: string;
  expires_at: string;
}

export interface DisplayNameChangesTable {
  id: string;
  user_id: string;
  previous_name: string;
  created_at: string;
}

/** An account deletion a reader (or an admin for them) asked for, carried out at due_at unless cancelled (migration 004). */
export interface PrivacyDeletionsTable {
  user_id: string;
  requested_at: string;
  due_at: string;
  requested_by: string | null;
}

/** One privacy action: a data export or a step of an account deletion (migration 004). */
export interface PrivacyAuditTable {
  id: string;
  at: string;
  /** self | admin | cli | system */
  actor: string;
  actor_id: string | null;
  subject_user_id: string;
  /** data.exported | deletion.requested | deletion.cancelled | deletion.completed */
  action: string;
  /** JSON with counts and the site setting applied; never comment text. */
  details: string | null;
}

/** A domain event recorded with the change it describes, until the dispatcher has delivered it (migration 007). */
export interface OutboxTable {
  id: Generated<number>;
  type: string;
  site_id: string | null;
  story_id: string | null;
  /** JSON of the DomainEvent. */
  payload: string;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: string;
}

/** A named lease held by one node until `expires_at` (the dispatcher's; migration 007). */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

/** An OpenID Connect provider a site's readers may sign in with (migration 011). */
export interface OidcProvidersTable {
  id: string;
  site_id: string;
  slug: string;
  label: string;
  issuer: string;
  client_id: string;
  created_at: string;
}

/** A provider's client secret, apart from what is listed or presented (like site_secrets). */
export interface OidcSecretsTable {
  provider_id: string;
  client_secret: string;
  created_at: string;
}

/** A single-use link sent by email: password reset, email verification (migration 010). */
export interface AccountTokensTable {
  id: string;
  /** sha256 of the token in the link: the database alone never yields a usable link. */
  token_hash: string;
  user_id: string;
  /** 'reset' or 'verify'. */
  purpose: string;
  /** For 'verify': the address being verified (the account's, or the new one of an email change). */
  email: string | null;
  lang: string;
  /** The site whose reader asked (its name goes in the email); null on Agora's own pages. */
  site_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A reader's ignored readers (migration 012): their comments are folded for that reader. */
export interface IgnoredUsersTable {
  user_id: string;
  ignored_id: string;
  created_at: string;
}
