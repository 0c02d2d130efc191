/** The subscription settings are part of the one validated configuration. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';

describe('realtime configuration', () => {
  it('has defaults', () => {
    expect(loadConfig({}).realtime).toEqual({
      changeLogRetentionSeconds: 86_400,
      changeLogMaxRows: 1_000_000,
      pruneIntervalMs: 60_000,
      pollIntervalMs: 2000,
      subscriberBuffer: 1000,
      socketBufferBytes: 4 * 1024 * 1024,
      revalidateMs: 60_000,
      listenHeartbeatMs: 10_000,
      outageLimitMs: 30_000,
    });
  });

  it('reports every invalid value together', () => {
    const attempt = () => loadConfig({ GATEWAY_SUBSCRIBER_BUFFER: '0', GATEWAY_CHANGE_LOG_RETENTION_SECONDS: 'a day', GATEWAY_SUBSCRIPTION_POLL_INTERVAL_MS: '5' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^GATEWAY_CHANGE_LOG_RETENTION_SECONDS must be an integer/),
        expect.stringMatching(/^GATEWAY_SUBSCRIPTION_POLL_INTERVAL_MS must be an integer/),
        expect.stringMatching(/^GATEWAY_SUBSCRIBER_BUFFER must be an integer/),
      ]);
    }
  });
});
