import { describe, expect, it } from 'vitest';
import { selectPoolProfile } from '../../src/config/pool-profile.js';
import { ConfigError, loadConfig } from '../../src/config/env.js';

const GIB = 1024 ** 3;
const host = (cpus: number, ramGib: number) => ({ cpus, memoryBytes: ramGib * GIB });

describe('pool profile selection (Borealis Engine tuning profiles)', () => {
  it.each([
    // cpus, RAM GiB, expected profile: the lower of the CPU rank and the RAM rank wins
    [2, 8, 'Homelab'],
    [7, 64, 'Homelab'], // CPU below 8 caps the profile
    [64, 15, 'Homelab'], // RAM below 16 GiB caps the profile
    [8, 16, 'Small Business'],
    [15, 31, 'Small Business'],
    [16, 31, 'Small Business'],
    [16, 32, 'MSP / Production'],
    [23, 63, 'MSP / Production'],
    [24, 63, 'MSP / Production'],
    [23, 64, 'MSP / Production'],
    [24, 64, 'Enterprise'],
    [128, 512, 'Enterprise'],
  ])('%i vCPU and %i GiB select %s', (cpus, ram, expected) => {
    expect(selectPoolProfile(host(cpus, ram)).name).toBe(expected);
  });

  it('counts a host reporting slightly less than its nominal RAM at its nominal size', () => {
    expect(selectPoolProfile({ cpus: 8, memoryBytes: 15.6 * GIB }).name).toBe('Small Business');
  });

  it('sizes the pool from the profile: max = pool size + overflow', () => {
    const small = loadConfig({}, host(2, 8)).db;
    expect([small.poolSize, small.maxOverflow]).toEqual([10, 10]);
    const business = loadConfig({}, host(8, 16)).db;
    expect([business.poolSize, business.maxOverflow]).toEqual([12, 16]);
    const msp = loadConfig({}, host(16, 32)).db;
    expect([msp.poolSize, msp.maxOverflow]).toEqual([20, 20]);
    const enterprise = loadConfig({}, host(32, 128)).db;
    expect([enterprise.poolSize, enterprise.maxOverflow]).toEqual([24, 24]);
  });

  it('lets BOREALIS_DB_POOL_SIZE and BOREALIS_DB_MAX_OVERFLOW override the profile', () => {
    const db = loadConfig({ BOREALIS_DB_POOL_SIZE: '3', BOREALIS_DB_MAX_OVERFLOW: '0' }, host(32, 128)).db;
    expect(db.profile.name).toBe('Enterprise');
    expect([db.poolSize, db.maxOverflow]).toEqual([3, 0]);
  });

  it('uses the documented shared defaults', () => {
    const db = loadConfig({}, host(2, 8)).db;
    expect(db.connectTimeoutSeconds).toBe(15);
    expect(db.idleInTransactionTimeoutMs).toBe(60000);
  });
});

describe('configuration validation', () => {
  it('reports every invalid variable at once with a clear message', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        BOREALIS_DB_POOL_SIZE: '0',
        BOREALIS_DB_CONNECT_TIMEOUT: '-1',
        GATEWAY_DRIFT_MODE: 'panic',
        DATABASE_URL: 'mysql://x',
        GATEWAY_GRAPHIQL: 'maybe',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT must be an integer');
    expect(problems).toContain('BOREALIS_DB_POOL_SIZE must be an integer between 1');
    expect(problems).toContain('BOREALIS_DB_CONNECT_TIMEOUT');
    expect(problems).toContain('GATEWAY_DRIFT_MODE must be one of warn, refuse');
    expect(problems).toContain('DATABASE_URL must be a postgresql:// URL');
    expect(problems).toContain('GATEWAY_GRAPHIQL must be true or false');
    expect((error as ConfigError).problems).toHaveLength(6);
  });

  it('defaults to the embedded database on 127.0.0.1:4000 with GraphiQL outside production', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect([config.host, config.port, config.graphiql, config.driftMode]).toEqual(['127.0.0.1', 4000, true, 'warn']);
    expect(loadConfig({ NODE_ENV: 'production' }).graphiql).toBe(false);
  });
});
