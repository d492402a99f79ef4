// A file of its own: esbuild splits by file, and styles.ts is on the reading path.
const formCss = `
h4{font-size:1rem}
button:disabled{cursor:default;color:#57606a;background:#eaeef2}
.primary:disabled{background:#eaeef2;border-color:#6e7781}
input,textarea{width:100%}
textarea{resize:vertical;min-height:3.5rem}
fieldset{border:0;margin:0;padding:0}
.box{margin:.5rem 0;padding:.5rem .75rem;border:1px solid var(--agora-border);border-radius:var(--agora-radius);background:var(--agora-bg)}
.notices{padding:.25rem .5rem .25rem 1.5rem}
.new{font-weight:600}
`;

/** The forms' and the notifications' stylesheet, rendered by the interaction chunks' components next to them. */
export const FormStyle = () => <style>{formCss}</style>;
