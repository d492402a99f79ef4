/** Stylesheets are bundled as text (esbuild loader `.css: text`) and injected by the console. */
declare module '*.css' {
  const text: string;
  export default text;
}
