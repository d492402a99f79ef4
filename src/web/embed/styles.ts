/**
 * The widget's stylesheet, applied to its shadow root (sheet.tsx: a constructed stylesheet, so a page's strict CSP
 * cannot block it) where host-page CSS cannot reach in and ours cannot leak out. Two doors remain, and both are shut
 * here (docs/adr/0023): the host element itself, which page rules still match (`div{max-width:200px}`), and
 * inheritance, which carries the page's font, size, line height and direction into the shadow tree.
 * - The host's box is ours: its `!important` declarations beat the page's, even the page's `!important` ones (an
 *   important rule of the inner context wins). Only `display` and `margin` are left to the page, to hide or place it.
 * - `.agora`, the root inside, resets every inherited property (`all:initial`) and sets its own font, line height,
 *   colour, and (on the element) `dir` and `lang`. Sizes are in `em` of that root, never `rem`: a page's
 *   `html{font-size:62.5%}` must not shrink the widget. Nested font sizes are ratios of their parent's (h2 22px →
 *   .count 16px). Sides are logical (`margin-inline-start`…) so a right-to-left language would mirror as it should.
 * Colour: every text colour below is at least 4.5:1 on its background, in the light and the dark palette. These are
 * the reading path's rules (the sort's label and select included); the forms' come with the interaction chunks
 * (components/FormStyle.tsx), which also style their inputs, textareas, legends and small print.
 * Theming (README, "Theming"): the `--agora-*` custom properties are set on :host, light by default, dark when the
 * reader's system asks for it (unless `data-theme="light"` is on the host) or when `data-theme="dark"` is. A
 * publisher's own values, set on the host element from the page, win over both: they are not `!important` here.
 */
export const css = `
:host{--agora-text:#1f2328;--agora-bg:#fff;--agora-muted:#57606a;--agora-accent:#1d4ed8;--agora-border:#d0d7de;--agora-radius:6px;display:block;background:var(--agora-bg)!important;width:auto!important;min-width:0!important;max-width:none!important;height:auto!important;min-height:0!important;max-height:none!important;padding:0!important;border:0!important;float:none!important}
@media (prefers-color-scheme:dark){:host(:not([data-theme=light])){--agora-text:#e6edf3;--agora-bg:#0d1117;--agora-muted:#9198a1;--agora-accent:#4493f8;--agora-border:#3d444d}}
:host([data-theme=dark]){--agora-text:#e6edf3;--agora-bg:#0d1117;--agora-muted:#9198a1;--agora-accent:#4493f8;--agora-border:#3d444d}
*{box-sizing:border-box}
.agora{all:initial;visibility:inherit;display:block;width:100%;max-width:48em;padding:.5em 0;font:var(--agora-font-size,medium)/1.5 var(--agora-font,system-ui,sans-serif);color:var(--agora-text);overflow-wrap:anywhere}
h2,h3,h4{line-height:1.25;margin:0 0 .4em}
h2{font-size:1.375em;display:flex;flex-wrap:wrap;gap:.2em .55em;align-items:baseline}
h3{font-size:1.125em;margin-top:.7em}
p{margin:.25em 0}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:0 1em}
.count{font-size:.7273em;font-weight:400;color:var(--agora-muted)}
.muted{color:var(--agora-muted)}
.meta{font-size:.875em;display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .85em}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5em;margin:.5em 0}
button,select{font:inherit;color:inherit}
button{cursor:pointer;min-height:2.25em;padding:.375em .875em;border:1px solid #6e7781;border-radius:var(--agora-radius);background:none}
.primary{background:var(--agora-accent);border-color:var(--agora-accent);color:var(--agora-bg);font-weight:600}
.link{min-height:0;padding:.25em;border:0;background:none;color:var(--agora-accent);text-decoration:underline}
.wide{width:100%;margin-top:1em}
:focus-visible,article:focus{outline:3px solid var(--agora-accent);outline-offset:2px}
label{display:block;font-weight:600;margin:.5em 0 .25em;padding:0}
select{max-width:100%;padding:.5em;border:1px solid #6e7781;border-radius:var(--agora-radius);background:none}
.cta button{font-size:.9444em}
.note{padding:.375em .625em;border-radius:var(--agora-radius);background:#fff8c5;color:#3b2300}
.empty{margin:1em 0;padding:1em;text-align:center;border:1px dashed #6e7781;border-radius:var(--agora-radius)}
.bar{justify-content:flex-end;margin-top:1em}
.bar label{margin:0}
ol{list-style:none;margin:0;padding:0}
li{margin-top:.75em}
ol ol{margin-inline-start:.25em;padding-inline-start:.5em;border-inline-start:2px solid var(--agora-border)}
@media (min-width:40em){ol ol{margin-inline-start:.5em;padding-inline-start:1em}}
article{padding:.5em .75em;border:1px solid var(--agora-border);border-radius:var(--agora-radius)}
article.pending,article.rejected{border-style:dashed}
.body a{color:var(--agora-accent)}
.body img{max-width:100%;height:auto}
.body pre{overflow:auto;padding:.5em}
.body blockquote{margin:.25em 0;padding-inline-start:.75em;border-inline-start:3px solid var(--agora-border);color:var(--agora-muted)}
.actions{display:flex;flex-wrap:wrap;gap:.25em;margin-top:.25em}
.actions button{min-height:2.3em;padding:.15em .6em;font-size:.875em;border-color:transparent;background:none}
.actions button:hover{border-color:#6e7781}
.actions [aria-pressed=true]{border-color:#c81e1e;background:#fdecec;color:#8f1d1d;font-weight:600}
.more{margin:.25em 0 0;margin-inline-start:.75em}
.toast{position:sticky;bottom:.5em;z-index:1;display:flex;align-items:center;gap:.5em;margin-top:.5em;border-radius:var(--agora-radius)}
.toast p{margin:0;flex:1}
.toast.on{padding:.5em .75em;background:var(--agora-text);color:var(--agora-bg)}
.toast .link{color:var(--agora-bg)}
.av{vertical-align:middle;border-radius:50%;margin-inline-end:.4em}
.in{display:inline-grid;place-items:center;width:24px;height:24px;font-size:.7143em;font-weight:600;background:var(--agora-border)}
.badge{margin-inline-start:.5em;padding:0 .5em;border-radius:1em;background:#ddf4ff;color:#0a3069;font-size:.8571em}
`;
