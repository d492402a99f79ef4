// The moderation menu's strings, both languages: they come with the `mod` chunk, which only a site's moderators load
// (docs/adr/0025), so no reader's page fetches them.
export { streamModeration } from '../../../i18n/stream-moderation.js';
