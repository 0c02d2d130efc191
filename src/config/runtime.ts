/**
 * The Node.js runtime the gateway is built and measured for (package.json `engines`, checked equal
 * by test/deploy/runtime.test.ts). Node 22.15+ runs it, but its AsyncLocalStorage hooks every
 * promise, and each request keeps its statement count and cancellation in one: it costs a third
 * to two thirds more CPU per request (docs/performance.md).
 */
export const SUPPORTED_NODE = { major: 24, minor: 11 } as const;

/** What GraphQL Yoga's and Prisma's dependency trees declare they need. */
const DEPENDENCIES_NODE = { major: 22, minor: 15 } as const;

const atLeast = (major: number, minor: number, floor: { major: number; minor: number }) => major > floor.major || (major === floor.major && minor >= floor.minor);

/** A line for the start-up output when the running Node is older than SUPPORTED_NODE, else null. */
export function runtimeWarning(version: string = process.versions.node): string | null {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (atLeast(major, minor, SUPPORTED_NODE)) return null;
  const runtime = `this gateway's runtime (${SUPPORTED_NODE.major}.${SUPPORTED_NODE.minor} or later, package.json engines)`;
  const consequence = atLeast(major, minor, DEPENDENCIES_NODE)
    ? 'it runs, but each request costs more CPU (docs/performance.md)'
    : `its dependencies declare ${DEPENDENCIES_NODE.major}.${DEPENDENCIES_NODE.minor} or later, so parts of it may fail`;
  return `Node.js ${version} is older than ${runtime}: ${consequence}. README.md says how to get Node 24.`;
}
