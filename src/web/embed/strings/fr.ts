// The reading path's French strings: a module of their own, so a page loads only its own language (docs/adr/0020).
import { discussionFrRead } from '../../../i18n/discussion.js';

export default discussionFrRead;
