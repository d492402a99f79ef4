// The permalink chunk: loaded only when the page's URL names a comment (#comment-<id>) or a reader copies a link.
export { openPermalink, copyLink } from '../permalink.js';
import '../read.js';
