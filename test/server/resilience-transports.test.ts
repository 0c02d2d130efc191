/**
 * Capacity and database failures look the same on HTTP, SSE and graphql-ws: the same code, no
 * data, no internal error; and their log lines are bounded (no stack, repetitions summed up).
 * Slow statements come from a real lock on engine.sites.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { RepeatLimiter } from '../../src/server/observability.js';
import { startTransportGateway, TRANSPORTS, type TransportGateway } from './transports.js';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  errors?: string[];
  err?: unknown;
  [field: string]: unknown;
}
const lines: LogLine[] = [];
const logs = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };

const SITES = { query: 'query SiteCount { sites(first: 5) { totalCount } }' };

let gateway: TransportGateway;
beforeAll(async () => {
  gateway = await startTransportGateway({
    env: { LOG_LEVEL: 'info', GATEWAY_MAX_CONCURRENT_REQUESTS: '1', GATEWAY_DB_MAX_WAITING: '0', GATEWAY_DB_STATEMENT_TIMEOUT_MS: '1500' },
    logs,
  });
});
afterAll(() => gateway.close());

async function withSitesLocked<T>(work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: gateway.db.url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE engine.sites IN ACCESS EXCLUSIVE MODE');
    return await work();
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
}

describe('on every transport', () => {
  it('SERVER_BUSY while the only slot is taken, STATEMENT_TIMEOUT for the operation that held it; never partial data', async () => {
    await withSitesLocked(async () => {
      const holder = gateway.call('http', 'admin', SITES);
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const transport of TRANSPORTS) {
        const refused = await gateway.call(transport, 'admin', SITES);
        expect(refused.data ?? null, transport).toBeNull();
        expect(refused.errors, transport).toHaveLength(1);
        expect(refused.errors![0]!.extensions, transport).toEqual({ code: 'SERVER_BUSY' });
      }
      const timedOut = await holder;
      expect(timedOut.data).toBeNull();
      expect(timedOut.errors).toHaveLength(1);
      expect(timedOut.errors![0]!.extensions).toEqual({ code: 'STATEMENT_TIMEOUT' });
      for (const transport of ['sse', 'websocket'] as const) {
        const answer = await gateway.call(transport, 'admin', SITES);
        expect(answer.data, transport).toBeNull();
        expect(answer.errors?.map((e) => e.extensions?.code), transport).toEqual(['STATEMENT_TIMEOUT']);
      }
    });
    expect((await gateway.call('websocket', 'admin', SITES)).data.sites.totalCount).toBeGreaterThan(0);
  }, 30_000);

  it('logs each failed request once, without a stack, and at most 5 lines per code and interval', async () => {
    const before = lines.length;
    await withSitesLocked(async () => {
      const holder = gateway.call('http', 'admin', SITES);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await Promise.all(Array.from({ length: 12 }, () => gateway.call('http', 'admin', SITES)));
      await holder;
    });
    const failed = lines.slice(before).filter((line) => line.msg === 'request failed');
    const busy = failed.filter((line) => line.errors?.includes('SERVER_BUSY'));
    // 12 refusals; the limiter's window may already hold the previous test's few.
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy.length).toBeLessThanOrEqual(5);
    for (const line of failed) {
      expect(line.err).toBeUndefined();
      expect(line).toMatchObject({ requestId: expect.any(String), status: expect.any(Number), durationMs: expect.any(Number), errors: [expect.any(String)] });
    }
    // The admitted operation that timed out is logged with its name.
    expect(failed.filter((line) => line.errors?.includes('STATEMENT_TIMEOUT'))).toEqual([expect.objectContaining({ operationName: 'SiteCount', status: 504 })]);
    expect(JSON.stringify(lines)).not.toContain('"stack"');
  }, 30_000);
});

describe('RepeatLimiter', () => {
  it('sums up what it held back in one line when the interval ends', async () => {
    const written: LogLine[] = [];
    const log = createLogger({ level: 'info', json: true }, { write: (line: string) => void written.push(JSON.parse(line) as LogLine) });
    const limiter = new RepeatLimiter(log, 2, 50);
    const admitted = Array.from({ length: 7 }, () => limiter.admit('DB_UNAVAILABLE'));
    expect(admitted).toEqual([true, true, false, false, false, false, false]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(written).toEqual([expect.objectContaining({ code: 'DB_UNAVAILABLE', suppressed: 5, intervalMs: 50 })]);
    expect(limiter.admit('DB_UNAVAILABLE')).toBe(true);
  });
});
