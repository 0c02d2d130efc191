/**
 * The fixed CPU cost of one GraphQL request through the gateway's Yoga/envelop pipeline: N
 * sequential requests, authenticated the production way (a real Borealis session token,
 * verified and re-read from engine.users per request), with the production configuration
 * (NODE_ENV=production: metrics on, introspection refused, JSON access lines to a discarding
 * sink). Reported per request: CPU microseconds (process.cpuUsage, user + system), wall time and
 * SQL statements.
 *
 *   npm run bench:pipeline -- [--requests 2000] [--rounds 5] [--before <tree>]... [--http] [--screens] [--only <regex>] [--no-identity-reads] [--profile]
 *
 * This version runs twice: with its defaults and with GATEWAY_IDENTITY_CACHE_MS=0 (the account
 * re-read on every request).
 * --before <tree>: a copy of another version of this repository (its src/ with the generated
 *   Prisma client, node_modules a symlink to this one's): both versions are loaded in this
 *   process, each with its own pool and gateway, and their rounds alternate, so the comparison
 *   is from one run on the same machine state (this machine is shared: absolute numbers drift).
 *   Given more than once, every tree is loaded and measured.
 * --http: also over real HTTP on a local port (client in this process too); a bare node:http
 *   handler answering a fixed JSON is measured in the same rounds as the floor of that transport.
 * --only <regex>: only the cases whose `<transport> <operation> as <user>` matches.
 * --no-identity-reads: leave out the run of this version with GATEWAY_IDENTITY_CACHE_MS=0.
 * --screens: also the four screens of bench/screens.ts (the compiled read path: one prepared
 *   statement each) as admin, in process and, with --http, over HTTP, and in process as alice
 *   (one site: her statement carries her sites and sets as values, and reads the sets first).
 * --profile: V8 CPU profiles of the tiny query (with --screens, the device detail) of each
 *   operator case left by --only (this version, in process and, with --http, over HTTP), saved
 *   under bench/results/ and summed up by self time.
 * The database: a temporary embedded PostgreSQL with a small demo seed.
 */
import './production-mode.js';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { createServer, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { mintBorealisSession } from '../src/auth/borealis-session.js';
import { applyBaseline } from '../src/db/baseline.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { seedDemoData } from '../dev/seed/index.js';
import { post } from './load.js';
import { profileWhile } from './profile.js';
import { BENCH_SCREENS } from './screens.js';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
  if (!(value > 0) || !Number.isInteger(value)) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const option = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
/** Every value of an option given more than once. */
const options = (name: string) => process.argv.flatMap((value, index) => (value === `--${name}` && process.argv[index + 1] ? [process.argv[index + 1]!] : []));

const SECRET = 'bench-pipeline-engine-secret-0123456789';

const OPERATIONS: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  typename: { query: '{ __typename }' },
  me: { query: 'query Me { me { role isAdmin allSites authMethod } }' },
  ...Object.fromEntries(BENCH_SCREENS.map((screen) => [screen.name, { query: screen.operation, variables: screen.variables }])),
};
type OperationName = keyof typeof OPERATIONS;
const requestBody = (operation: OperationName) => JSON.stringify(OPERATIONS[operation]);

/** A request variant: who asks what, through which transport. */
interface Case {
  operation: OperationName;
  /** anonymous: no credential, so no identity read (the pipeline alone). */
  user: 'admin' | 'alice' | 'anonymous';
  transport: 'in-process' | 'http';
}

/** One version of the gateway, loaded from its tree, with its own pool and Yoga instance. */
interface Version {
  label: string;
  fetch(body: string, token: string | null): Promise<string>;
  statements(): number;
  httpUrl: string;
  close(): Promise<void>;
}

/** Access lines are formatted as in production and then dropped (their bytes are counted). */
function discardingSink(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

async function loadVersion(label: string, root: string, databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<Version> {
  const load = <T>(file: string) => import(pathToFileURL(path.join(root, file)).href) as Promise<T>;
  const { loadConfig } = await load<typeof import('../src/config/env.js')>('src/config/env.ts');
  const { loadAuthConfig } = await load<typeof import('../src/config/auth.js')>('src/config/auth.ts');
  const { createPool } = await load<typeof import('../src/db/pool.js')>('src/db/pool.ts');
  const { createPrismaClient } = await load<typeof import('../src/db/prisma.js')>('src/db/prisma.ts');
  const { createRequestAuthenticator } = await load<typeof import('../src/auth/yoga-plugin.js')>('src/auth/yoga-plugin.ts');
  const { createObservability } = await load<typeof import('../src/server/observability.js')>('src/server/observability.ts');
  const { createGatewayYoga } = await load<typeof import('../src/server/yoga.js')>('src/server/yoga.ts');

  const env = { NODE_ENV: 'production', DATABASE_URL: databaseUrl, SECRET_KEY: SECRET, LOG_LEVEL: 'info', ...extraEnv };
  const config = loadConfig(env);
  const auth = loadAuthConfig(env, config.dataDir);
  const pool = createPool(databaseUrl, config.db);
  let statements = 0;
  const query = pool.query.bind(pool);
  pool.query = ((...args: Parameters<typeof query>) => {
    statements += 1;
    return query(...args);
  }) as typeof pool.query;
  const prisma = createPrismaClient(pool);
  const observability = createObservability(config, pool, discardingSink());
  const readiness = { drift: null, driftMode: config.driftMode, checkedAt: null };
  // `prisma` too: versions before the identity read moved to the pg pool take it from here.
  const authDeps = { pool, prisma, auth, log: observability.log };
  const services = { config, pool, prisma, readiness, authenticate: createRequestAuthenticator(authDeps) };
  const yoga = createGatewayYoga(services, observability);
  const server = createServer(yoga);
  // Idle while the other versions run their rounds: a kept-alive connection must not be closed under the client.
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    label,
    async fetch(body, token) {
      const response = await yoga.fetch('http://gateway.bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorization(token) },
        body,
      });
      return response.text();
    },
    statements: () => statements,
    httpUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    async close() {
      await closeServer(server);
      await yoga.gateway.agentApi.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

const authorization = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

const closeServer = (server: Server) => new Promise((resolve) => server.close(resolve));

/** The floor of the HTTP variant: node:http and the client alone, a fixed JSON answer. */
async function bareHttpServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

interface Sample {
  cpuMicros: number;
  wallMicros: number;
  statements: number;
}

/** N sequential requests; CPU and wall per request. `send` must throw on an error answer. */
async function measure(requests: number, send: () => Promise<void>, statements: () => number): Promise<Sample> {
  // With --expose-gc (NODE_OPTIONS), each sample starts on a collected heap: garbage left by
  // another version's rounds is not charged to this one.
  (globalThis as { gc?: () => void }).gc?.();
  const before = statements();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < requests; i++) await send();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { cpuMicros: (used.user + used.system) / requests, wallMicros: (wall * 1000) / requests, statements: (statements() - before) / requests };
}

function checked(text: string): void {
  const answer = JSON.parse(text) as { errors?: unknown[] };
  if (answer.errors) throw new Error(`the gateway answered errors: ${text}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** A V8 CPU profile of `requests` calls of `send`. */
function profile(title: string, requests: number, send: () => Promise<void>): Promise<void> {
  return profileWhile('pipeline', `${requests} requests, ${title}`, async () => {
    for (let i = 0; i < requests; i++) await send();
  });
}

async function main() {
  const requests = arg('requests', 2000);
  const rounds = arg('rounds', 5);
  const beforeTrees = options('before');
  const only = option('only');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'borealis-pipeline-'));
  chmodSync(dir, 0o755);
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), persistent: false });
  const versions: Version[] = [];
  const bare = flag('http') ? await bareHttpServer() : null;
  try {
    const { createPool } = await import('../src/db/pool.js');
    const { loadConfig } = await import('../src/config/env.js');
    const setup = createPool(embedded.url, loadConfig({ DATABASE_URL: embedded.url }).db);
    await applyBaseline(setup);
    await seedDemoData(setup, { devices: 50 });
    await setup.end();

    versions.push(await loadVersion('this', process.cwd(), embedded.url));
    if (!flag('no-identity-reads')) versions.push(await loadVersion('this, GATEWAY_IDENTITY_CACHE_MS=0', process.cwd(), embedded.url, { GATEWAY_IDENTITY_CACHE_MS: '0' }));
    for (const tree of beforeTrees) versions.push(await loadVersion(beforeTrees.length > 1 ? `before: ${tree}` : 'before', path.resolve(tree), embedded.url));
    const tokens = {
      admin: mintBorealisSession({ secret: SECRET, username: 'admin', role: 'Admin' }),
      alice: mintBorealisSession({ secret: SECRET, username: 'alice' }),
      anonymous: null,
    };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });

    const cases = ([
      { operation: 'typename', user: 'anonymous', transport: 'in-process' },
      { operation: 'typename', user: 'admin', transport: 'in-process' },
      { operation: 'me', user: 'admin', transport: 'in-process' },
      { operation: 'me', user: 'alice', transport: 'in-process' },
      ...(bare ? [{ operation: 'typename', user: 'admin', transport: 'http' } as const, { operation: 'me', user: 'admin', transport: 'http' } as const] : []),
      ...(flag('screens')
        ? BENCH_SCREENS.flatMap((screen) => [
            { operation: screen.name, user: 'admin', transport: 'in-process' } as const,
            { operation: screen.name, user: 'alice', transport: 'in-process' } as const,
            ...(bare ? [{ operation: screen.name, user: 'admin', transport: 'http' } as const] : []),
          ])
        : []),
    ] as Case[]).filter((c) => !only || new RegExp(only).test(`${c.transport} ${c.operation} as ${c.user}`));
    const senderOf = (version: Version, c: Case) => {
      const body = requestBody(c.operation);
      const token = tokens[c.user];
      if (c.transport === 'in-process') return async () => checked(await version.fetch(body, token));
      const target = { url: version.httpUrl, body, headers: authorization(token) };
      return async () => checked(await post(agent, target));
    };
    const samples = new Map<string, Sample[]>();
    const record = (key: string, sample: Sample) => samples.set(key, [...(samples.get(key) ?? []), sample]);
    console.log(`${requests} sequential requests per case, ${rounds} rounds (+1 warm-up), versions alternating; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`);
    for (let round = 0; round <= rounds; round++) {
      // Alternate the order of the versions, so none always runs on a warmer or busier machine.
      const ordered = round % 2 === 0 ? versions : [...versions].reverse();
      for (const c of cases) {
        for (const version of ordered) {
          const sample = await measure(requests, senderOf(version, c), version.statements);
          if (round > 0) record(`${c.transport} ${c.operation} as ${c.user}|${version.label}`, sample);
        }
        if (bare && c.transport === 'http') {
          const target = { url: bare.url, body: requestBody(c.operation) };
          const sample = await measure(requests, async () => checked(await post(agent, target)), () => 0);
          if (round > 0) record(`${c.transport} ${c.operation} (bare node:http floor)|-`, sample);
        }
      }
    }
    console.table(
      [...samples].map(([key, list]) => {
        const [name, version] = key.split('|');
        return {
          case: name,
          version,
          'CPU µs/req (median)': Math.round(median(list.map((s) => s.cpuMicros))),
          'CPU µs/req (min-max)': `${Math.round(Math.min(...list.map((s) => s.cpuMicros)))}-${Math.round(Math.max(...list.map((s) => s.cpuMicros)))}`,
          'wall µs/req': Math.round(median(list.map((s) => s.wallMicros))),
          'statements/req': median(list.map((s) => s.statements)),
        };
      }),
    );
    if (flag('profile')) {
      const profiled = flag('screens') ? 'device-detail' : 'me';
      for (const c of cases.filter((each) => each.operation === profiled && each.user !== 'anonymous')) {
        await profile(`${c.transport} ${profiled} as ${c.user}, ${versions[0]!.label}`, requests, senderOf(versions[0]!, c));
      }
    }
    agent.destroy();
  } finally {
    for (const version of versions) await version.close();
    if (bare) await closeServer(bare.server);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
