// embed-fr.js: the widget's strings in one language, loaded next to embed.js by pages in that language.
import { discussionFr } from '../../../i18n/discussion.js';

(window.AgoraStrings ??= {}).fr = discussionFr;
