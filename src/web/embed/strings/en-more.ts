// The interaction chunks' English strings, loaded with the first chunk a reader uses (docs/adr/0020).
import { discussionEnMore } from '../../../i18n/discussion.js';

export default discussionEnMore;
