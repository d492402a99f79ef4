// The reading path's English strings: a module of their own, so a page loads only its own language (docs/adr/0020).
import { discussionEnRead } from '../../../i18n/discussion.js';

export default discussionEnRead;
