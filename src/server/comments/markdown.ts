import MarkdownIt from 'markdown-it';

// markdown-it's 'zero' preset enables nothing; we switch on only the subset comments allow. With `html: false`
// raw HTML is escaped, never passed through, so the output needs no second sanitiser.
const md = new MarkdownIt('zero', { html: false, linkify: false, breaks: true, typographer: false });
md.enable(['emphasis', 'link', 'blockquote', 'backticks', 'fence', 'code', 'newline', 'escape', 'entity']);

// Only web and mail links: javascript:, data:, vbscript: and relative URLs are shown as plain text.
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  // User links must not pass ranking (nofollow ugc) nor get a handle on our window (noopener).
  tokens[idx]?.attrSet('rel', 'nofollow ugc noopener');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Renders a comment body (plain text with bold, italic, link, quote and code) to safe HTML. */
export function renderCommentBody(body: string): string {
  return md.render(body).trim();
}
