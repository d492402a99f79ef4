// embed-en.js: the widget's strings in one language, loaded next to embed.js by pages in that language.
import { discussionEn } from '../../../i18n/discussion.js';

(window.AgoraStrings ??= {}).en = discussionEn;
