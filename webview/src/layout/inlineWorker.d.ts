// esbuild.mjs bundles layoutWorker.ts and hands it to the webview bundle as a string.
declare module 'inline:layout-worker' {
  const source: string;
  export default source;
}
