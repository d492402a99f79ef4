import { useD } from '../context.js';
import { sheet } from '../sheet.js';

// A file of its own: esbuild splits by file, and styles.ts is on the reading path.
const formCss = `
h4{font-size:1em}
button:disabled{cursor:default;color:#57606a;background:#eaeef2}
.primary:disabled{background:#eaeef2;border-color:#6e7781}
input,textarea{width:100%;font:inherit;color:inherit;padding:.5em;border:1px solid #6e7781;border-radius:var(--agora-radius);background:none}
legend{display:block;font-weight:600;margin:.5em 0 .25em;padding:0}
.small{font-size:.875em}
textarea{resize:vertical;min-height:3.5em}
fieldset{border:0;margin:0;padding:0}
.box{margin:.5em 0;padding:.5em .75em;border:1px solid var(--agora-border);border-radius:var(--agora-radius);background:var(--agora-bg)}
.notices{padding:.25em .5em;padding-inline-start:1.5em}
.new{font-weight:600}
`;

/**
 * The forms' and the notifications' stylesheet, added to the widget's shadow root by the interaction chunks'
 * components that need it (as the reading path's is: sheet.tsx, so a strict CSP cannot block it).
 */
export function FormStyle() {
  const { cfg } = useD();
  return sheet(cfg.root, formCss, cfg.nonce);
}
