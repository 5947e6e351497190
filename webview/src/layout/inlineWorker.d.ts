// esbuild.mjs bundles the workers (layoutWorker.ts, overviewWorker.ts) and hands each to the
// webview bundle as a string.
declare module 'inline:layout-worker' {
  const source: string;
  export default source;
}
declare module 'inline:overview-worker' {
  const source: string;
  export default source;
}
