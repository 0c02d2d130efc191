/**
 * The Node.js runtime the gateway is built and measured for (package.json `engines`, checked equal
 * by test/deploy/runtime.test.ts). An older Node runs it, but its AsyncLocalStorage hooks every
 * promise, and each request keeps its statement count and cancellation in one: it costs a third
 * to two thirds more CPU per request (docs/performance.md).
 */
export const SUPPORTED_NODE = { major: 24, minor: 11 } as const;

/** A line for the start-up output when the running Node is older than SUPPORTED_NODE, else null. */
export function runtimeWarning(version: string = process.versions.node): string | null {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > SUPPORTED_NODE.major || (major === SUPPORTED_NODE.major && minor >= SUPPORTED_NODE.minor)) return null;
  return (
    `Node.js ${version} is older than this gateway's runtime (${SUPPORTED_NODE.major}.${SUPPORTED_NODE.minor} or later, package.json engines): ` +
    'it runs, but each request costs more CPU (docs/performance.md). README.md says how to get Node 24.'
  );
}
