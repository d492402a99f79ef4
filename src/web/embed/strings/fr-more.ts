// The interaction chunks' French strings, loaded with the first chunk a reader uses (docs/adr/0020).
import { discussionFrMore } from '../../../i18n/discussion.js';

export default discussionFrMore;
