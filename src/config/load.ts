/**
 * The one place the process environment is read: the gateway and every CLI load their settings
 * here, so all problems (gateway and authentication variables alike) come back in one ConfigError.
 */
import { loadAuthConfig, type AuthConfig } from './auth.js';
import { ConfigError, loadConfig, type Env, type GatewayConfig } from './env.js';

export interface Settings {
  config: GatewayConfig;
  auth: AuthConfig;
}

/**
 * Development secrets (under <dataDir>/secrets) are allowed when no DATABASE_URL is set: the
 * embedded demo database, or a CLI talking to it.
 */
export function loadSettings(env: Env = process.env): Settings {
  const problems: string[] = [];
  let config: GatewayConfig | undefined;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  let auth: AuthConfig | undefined;
  // Secrets are only written for an otherwise valid configuration (dataDir must be known).
  if (config) {
    try {
      auth = loadAuthConfig(env, config.dataDir, { allowDevSecrets: !config.databaseUrl });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0 || !config || !auth) throw new ConfigError(problems);
  return { config, auth };
}
