// The writing chunk: the composer; posting, editing, deleting and Respect; what only a comment's author sees
// (src/web/embed/lazy.tsx).
export { Composer } from '../components/Composer.js';
export { OwnActions, OwnNote } from '../components/Own.js';
export { post, edit, react, keepFresh } from '../write.js';
import '../read.js';
