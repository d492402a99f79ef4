/**
 * The widget's stylesheet, rendered into its shadow root so host-page CSS cannot reach in and ours cannot leak out.
 * Colour and background are set on :host (not inherited from the page) so contrast holds on dark sites too;
 * every text colour below is at least 4.5:1 on its background. These are the reading path's rules; the forms' come
 * with the interaction chunks (components/FormStyle.tsx).
 */
export const css = `
:host{display:block;color:#1f2328;background:#fff;line-height:1.5;text-align:start}
*{box-sizing:border-box}
.agora{max-width:48rem;padding:.5rem 0;overflow-wrap:anywhere}
h2,h3,h4{line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.375rem;display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}
h3{font-size:1.125rem;margin-top:.75rem}
p{margin:.25rem 0}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:0 1rem}
.count{font-size:1rem;font-weight:400;color:#57606a}
.muted{color:#57606a}
.small,.meta{font-size:.875rem}
.meta{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 .75rem}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.5rem 0}
button,input,select,textarea{font:inherit;color:inherit}
button{cursor:pointer;min-height:2.25rem;padding:.375rem .875rem;border:1px solid #6e7781;border-radius:6px;background:#f6f8fa}
.primary{background:#1d4ed8;border-color:#1d4ed8;color:#fff;font-weight:600}
.link{min-height:0;padding:.25rem;border:0;background:none;color:#1d4ed8;text-decoration:underline}
.wide{width:100%;margin-top:1rem}
:focus-visible,article:focus{outline:3px solid #1d4ed8;outline-offset:2px}
label,legend{display:block;font-weight:600;margin:.5rem 0 .25rem;padding:0}
input,select,textarea{max-width:100%;padding:.5rem;border:1px solid #6e7781;border-radius:6px;background:#fff}
.cta button{font-size:1.0625rem}
.note{padding:.375rem .625rem;border-radius:6px;background:#fff8c5;color:#3b2300}
.empty{margin:1rem 0;padding:1rem;text-align:center;border:1px dashed #6e7781;border-radius:8px}
.bar{justify-content:flex-end;margin-top:1rem}
.bar label{margin:0}
ol{list-style:none;margin:0;padding:0}
li{margin-top:.75rem}
ol ol{margin-left:.25rem;padding-left:.5rem;border-left:2px solid #d0d7de}
@media (min-width:40em){ol ol{margin-left:.5rem;padding-left:1rem}}
article{padding:.5rem .75rem;border:1px solid #d0d7de;border-radius:8px}
article.pending,article.rejected{border-style:dashed}
.body a{color:#1d4ed8}
.body img{max-width:100%;height:auto}
.body pre{overflow:auto;padding:.5rem;background:#f6f8fa}
.body blockquote{margin:.25rem 0;padding-left:.75rem;border-left:3px solid #d0d7de;color:#57606a}
.actions{display:flex;flex-wrap:wrap;gap:.25rem;margin-top:.25rem}
.actions button{min-height:2rem;padding:.125rem .5rem;font-size:.875rem;border-color:transparent;background:none}
.actions button:hover{border-color:#6e7781}
.actions [aria-pressed=true]{border-color:#c81e1e;background:#fdecec;color:#8f1d1d;font-weight:600}
.more{margin:.25rem 0 0 .75rem}
.toast{position:sticky;bottom:.5rem;z-index:1;display:flex;align-items:center;gap:.5rem;margin-top:.5rem;border-radius:6px}
.toast p{margin:0;flex:1}
.toast.on{padding:.5rem .75rem;background:#1f2328;color:#fff}
.toast .link{color:#fff}
.av{vertical-align:middle;border-radius:50%;margin-right:.375rem}
.badge{margin-left:.375rem;padding:0 .375rem;border-radius:1rem;background:#ddf4ff;color:#0a3069;font-size:.75rem}
`;

