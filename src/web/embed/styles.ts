/**
 * The widget's stylesheet, rendered into its shadow root so host-page CSS cannot reach in and ours cannot leak out.
 * Colour and background are set on :host (not inherited from the page) so contrast holds on dark sites too;
 * every text colour below is at least 4.5:1 on its background, in the light and the dark palette. These are the
 * reading path's rules; the forms' come with the interaction chunks (components/FormStyle.tsx).
 * Theming (README, "Theming"): the `--agora-*` custom properties are set on :host, light by default, dark when the
 * reader's system asks for it (unless `data-theme="light"` is on the host) or when `data-theme="dark"` is. A
 * publisher's own values, set on the host element from the page, win over both: the page's rules beat :host rules.
 */
export const css = `
:host{--agora-text:#1f2328;--agora-bg:#fff;--agora-muted:#57606a;--agora-accent:#1d4ed8;--agora-border:#d0d7de;--agora-radius:6px;display:block;color:var(--agora-text);background:var(--agora-bg);font-family:var(--agora-font);line-height:1.5;text-align:start}
@media (prefers-color-scheme:dark){:host(:not([data-theme=light])){--agora-text:#e6edf3;--agora-bg:#0d1117;--agora-muted:#9198a1;--agora-accent:#4493f8;--agora-border:#3d444d}}
:host([data-theme=dark]){--agora-text:#e6edf3;--agora-bg:#0d1117;--agora-muted:#9198a1;--agora-accent:#4493f8;--agora-border:#3d444d}
*{box-sizing:border-box}
.agora{max-width:48rem;padding:.5rem 0;overflow-wrap:anywhere}
h2,h3,h4{line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.375rem;display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}
h3{font-size:1.125rem;margin-top:.75rem}
p{margin:.25rem 0}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:0 1rem}
.count{font-size:1rem;font-weight:400;color:var(--agora-muted)}
.muted{color:var(--agora-muted)}
.small,.meta{font-size:.875rem}
.meta{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .75rem}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.5rem 0}
button,input,select,textarea{font:inherit;color:inherit}
button{cursor:pointer;min-height:2.25rem;padding:.375rem .875rem;border:1px solid #6e7781;border-radius:var(--agora-radius);background:none}
.primary{background:var(--agora-accent);border-color:var(--agora-accent);color:var(--agora-bg);font-weight:600}
.link{min-height:0;padding:.25rem;border:0;background:none;color:var(--agora-accent);text-decoration:underline}
.wide{width:100%;margin-top:1rem}
:focus-visible,article:focus{outline:3px solid var(--agora-accent);outline-offset:2px}
label,legend{display:block;font-weight:600;margin:.5rem 0 .25rem;padding:0}
input,select,textarea{max-width:100%;padding:.5rem;border:1px solid #6e7781;border-radius:var(--agora-radius);background:none}
.cta button{font-size:1.0625rem}
.note{padding:.375rem .625rem;border-radius:var(--agora-radius);background:#fff8c5;color:#3b2300}
.empty{margin:1rem 0;padding:1rem;text-align:center;border:1px dashed #6e7781;border-radius:var(--agora-radius)}
.bar{justify-content:flex-end;margin-top:1rem}
.bar label{margin:0}
ol{list-style:none;margin:0;padding:0}
li{margin-top:.75rem}
ol ol{margin-left:.25rem;padding-left:.5rem;border-left:2px solid var(--agora-border)}
@media (min-width:40em){ol ol{margin-left:.5rem;padding-left:1rem}}
article{padding:.5rem .75rem;border:1px solid var(--agora-border);border-radius:var(--agora-radius)}
article.pending,article.rejected{border-style:dashed}
.body a{color:var(--agora-accent)}
.body img{max-width:100%;height:auto}
.body pre{overflow:auto;padding:.5rem}
.body blockquote{margin:.25rem 0;padding-left:.75rem;border-left:3px solid var(--agora-border);color:var(--agora-muted)}
.actions{display:flex;flex-wrap:wrap;gap:.25rem;margin-top:.25rem}
.actions button{min-height:2rem;padding:.125rem .5rem;font-size:.875rem;border-color:transparent;background:none}
.actions button:hover{border-color:#6e7781}
.actions [aria-pressed=true]{border-color:#c81e1e;background:#fdecec;color:#8f1d1d;font-weight:600}
.more{margin:.25rem 0 0 .75rem}
.toast{position:sticky;bottom:.5rem;z-index:1;display:flex;align-items:center;gap:.5rem;margin-top:.5rem;border-radius:var(--agora-radius)}
.toast p{margin:0;flex:1}
.toast.on{padding:.5rem .75rem;background:var(--agora-text);color:var(--agora-bg)}
.toast .link{color:var(--agora-bg)}
.av{vertical-align:middle;border-radius:50%;margin-right:.375rem}
.in{display:inline-grid;place-items:center;width:24px;height:24px;font-size:.625rem;font-weight:600;background:var(--agora-border)}
.badge{margin-left:.375rem;padding:0 .375rem;border-radius:1rem;background:#ddf4ff;color:#0a3069;font-size:.75rem}
`;

