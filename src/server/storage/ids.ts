import { randomBytes } from 'node:crypto';

/** A random, URL-safe id (96 bits): unguessable, so ids in URLs leak nothing about volume or order. */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** Now as a fixed-width ISO 8601 UTC string, the portable time format of the schema. */
export function nowIso(now: number = Date.now()): string {
  return new Date(now).toISOString();
}
