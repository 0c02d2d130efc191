/**
 * GraphiQL in a real headless browser (Debian's chromium, driven by playwright-core): served from
 * the gateway's own assets with no request leaving loopback, the example operations as tabs, the
 * demo token in the headers, and the first example returning data (the demo is relative to now).
 * Screenshot: test-results/graphiql.png.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintBorealisSession } from '../../src/auth/borealis-session.js';
import { createRequestAuthenticator } from '../../src/auth/yoga-plugin.js';
import { loadAuthConfig } from '../../src/config/auth.js';
import { createPrismaClient } from '../../src/db/prisma.js';
import { refreshDrift, type ReadinessState } from '../../src/db/readiness.js';
import { exampleTabs, GRAPHIQL_EXAMPLES, graphiqlOptions } from '../../src/server/graphiql/index.js';
import { createGatewayYoga } from '../../src/server/yoga.js';
import { seedDemoData, wallClockSeedTime } from '../../dev/seed/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

describe('GraphiQL options', () => {
  it('splits the examples into one tab per operation, comments included', () => {
    const tabs = exampleTabs();
    expect(tabs.map((t) => t.name)).toEqual([
      'DeviceList', 'DeviceDetail', 'IncidentQueue', 'Watchdogs', 'JobRuns', 'GatewayStatus',
      'PendingApprovals', 'ApproveDevice', 'DenyDevice', 'CreateSite', 'AssignDevices',
      'AcknowledgeIncident', 'SuppressWatchdogOnDevice', 'CreateWatchdog', 'CreateScheduledJob', 'RunJobNow', 'SetAssetTag', 'CreateCredential',
    ]);
    expect(tabs[0]!.query).toMatch(/^# Borealis GraphQL gateway: example operations/);
    expect(tabs[0]!.query).toContain('query DeviceList(');
    expect(tabs[1]!.query).toMatch(/^# Device detail/);
    // nothing lost or duplicated
    expect(tabs.map((t) => t.query).join('\n').replace(/\s+/g, '')).toBe(GRAPHIQL_EXAMPLES.replace(/\s+/g, ''));
  });

  it('pre-fills the Authorization header only when there is a demo token', () => {
    const demo = graphiqlOptions({ demoToken: 'abc.def' });
    expect(JSON.parse(demo.headers!)).toEqual({ Authorization: 'Bearer abc.def' });
    expect(demo.defaultTabs!.every((tab) => JSON.parse(tab.headers!).Authorization === 'Bearer abc.def')).toBe(true);
    const plain = graphiqlOptions();
    expect(plain.headers).toBeUndefined();
    expect(plain.defaultTabs!.every((tab) => tab.headers === null)).toBe(true);
  });
});

// Skipped by hand without Debian's chromium; never in CI, where .ci/run installs it (a missing
// browser must fail there, not pass silently).
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('GraphiQL in headless chromium', () => {
  let db: TestDatabase;
  let server: Server;
  let origin: string;
  let context: BrowserContext;
  let profile: string;
  let token: string;
  let closePrisma: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoData(db.pool, { devices: 60, now: wallClockSeedTime() });
    const auth = loadAuthConfig({ BOREALIS_ENGINE_SECRET: randomBytes(32).toString('base64url') }, os.tmpdir());
    token = mintBorealisSession({ secret: auth.session!.secret, username: 'admin', role: 'Admin' });
    const prisma = createPrismaClient(db.pool);
    closePrisma = () => prisma.$disconnect();
    const readiness: ReadinessState = { drift: null, driftMode: 'warn', checkedAt: null };
    await refreshDrift(db.pool, readiness);
    const yoga = createGatewayYoga({ config: db.config, pool: db.pool, prisma, readiness, authenticate: createRequestAuthenticator({ pool: db.pool, auth }), demoToken: token });
    server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    profile = mkdtempSync(path.join(os.tmpdir(), 'borealis-graphiql-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await closePrisma?.();
    await db?.drop();
  });

  it('loads from loopback only, opens the examples as tabs with the token, and runs the first one', async () => {
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
    await expect(page.title()).resolves.toBe('Borealis GraphQL Gateway');
    const tabs = page.locator('.graphiql-tab');
    await tabs.filter({ hasText: 'GatewayStatus' }).waitFor({ timeout: 30_000 });
    const names = (await tabs.allInnerTexts()).map((t) => t.trim());
    expect(names).toEqual(exampleTabs().map((t) => t.name));

    // the headers editor of the open tab holds the demo token
    await page.getByText('Headers', { exact: true }).first().click();
    // (Monaco renders spaces as no-break spaces)
    const headersText = async () => (await page.locator('.graphiql-editor-tool').innerText()).replace(/\u00a0/g, ' ');
    await expect.poll(headersText, { timeout: 10_000 }).toContain(`"Authorization": "Bearer ${token}"`);

    const response = page.waitForResponse((r) => r.url() === `${origin}/graphql` && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('DeviceList'));
    await page.locator('.graphiql-execute-button').click();
    const body = await (await response).json();
    expect(body.errors).toBeUndefined();
    expect(body.data.devices.totalCount).toBeGreaterThan(0);
    expect(body.data.devices.edges[0].node.online).toBe(true);
    await expect.poll(() => page.locator('.graphiql-response').innerText(), { timeout: 10_000 }).toContain('"hostname"');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/graphiql.png', fullPage: true });

    const leaving = requested.filter((url) => !/^(https?|wss?):\/\/127\.0\.0\.1(:\d+)?\//.test(url) && !/^(blob|data):/.test(url));
    expect(leaving).toEqual([]);
    expect(requested.some((url) => url.startsWith(`${origin}/graphql`))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
