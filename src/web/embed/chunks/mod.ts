// The moderation chunk: the in-stream moderation menu, for the site's moderators only (src/web/embed/mod-hook.tsx,
// docs/adr/0025). Its strings, both languages, come with it.
export { ModMenu } from '../components/ModMenu.js';
import '../read.js';
