/**
 * The Borealis agent REST contract (/api/agent/*, agent API sections 1-4) on Hono: body limits
 * per route, zod for body shapes, the documented `{"error": ...}` strings and statuses, rate limits
 * shared by every replica, and everything the gateway does not serve forwarded to the Borealis
 * engine (BOREALIS_UPSTREAM_URL) or refused with a clear JSON error. It is mounted in the one Yoga
 * pipeline (src/server/plugins/agent-api.ts), which gives it the request's trace: access log,
 * metrics and statement counting are the GraphQL ones. Handlers call the agent domain services;
 * database work is a few short statements, writes in one transaction each.
 */
import fs from 'node:fs';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AgentApiConfig } from '../config/agent.js';
import type { Logger } from '../config/logger.js';
import { AgentError, type AgentErrorKind } from '../auth/agent-error.js';
import { authenticateDevice, bearerToken, type AuthenticatedDevice } from '../auth/device-auth.js';
import { loadOrCreateEngineKey, verifyAccessToken, type EngineSigningKey } from '../auth/device-token.js';
import { verifyDpopProof, DPOP_WINDOW_SECONDS } from '../auth/dpop.js';
import { classifyInfrastructureError } from '../db/infrastructure-errors.js';
import type { RequestTrace } from '../graphql/context.js';
import {
  AgentIngest,
  heartbeat,
  heartbeatIfAuthorized,
  metadataField,
  parseEnrollmentRequest,
  pollEnrollment,
  readAgentHash,
  refreshAccessToken,
  requestEnrollment,
  scriptRequest,
  storeAgentHash,
  type AgentServices,
} from '../domains/agent/index.js';
import { clientIp } from './client-ip.js';
import { createSharedState, type SharedState } from './shared-state.js';
import { forwardToUpstream } from './upstream.js';

export const AGENT_API_PREFIX = '/api/agent/';
const MiB = 1024 * 1024;
/** Go's request body limits (agent API 1). */
export const BODY_LIMITS = { enrollment: MiB, refresh: MiB, status: MiB, hash: MiB, heartbeat: 8 * MiB, details: 24 * MiB } as const;
/** Enrollment request limits (agent API 2.5). */
export const ENROLL_LIMITS = { perIp: { points: 40, seconds: 60 }, perFingerprint: { points: 12, seconds: 60 } } as const;

const STATUS_OF: Record<AgentErrorKind, 400 | 401 | 403 | 404 | 409 | 429 | 500 | 502 | 504> = {
  invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, rate_limited: 429, internal: 500, unavailable: 502, timeout: 504,
};

/** What the Yoga plugin passes with each request. */
export interface AgentRequestEnv {
  /** The socket peer's address ('' when unknown, e.g. in-process calls). */
  peer: string;
  trace: RequestTrace;
}

type AgentContext = Context<{ Bindings: AgentRequestEnv }>;

export interface AgentRouter {
  fetch(request: Request, env: AgentRequestEnv): Promise<Response>;
  readonly shared: SharedState;
  close(): Promise<void>;
}

export interface AgentRouterDeps {
  pool: AgentServices['pool'];
  config: AgentApiConfig;
  log: Logger;
}

const requiredString = (code: string) => z.string({ error: code }).trim().min(1, { error: code });
const positiveInt = z.coerce.number().int().positive().optional().catch(undefined);
const enrollRequestBody = z.object({
  hostname: requiredString('hostname_required'),
  enrollment_code: requiredString('enrollment_code_required'),
  agent_pubkey: requiredString('agent_pubkey_required'),
  client_nonce: requiredString('client_nonce_required'),
  onboarding_context: z
    .object({ job_id: positiveInt, run_id: positiveInt, target: z.string().transform((t) => t.slice(0, 253)).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});
const pollBody = z.object({
  approval_reference: requiredString('approval_reference_required'),
  client_nonce: requiredString('client_nonce_required'),
  proof_sig: requiredString('proof_sig_required'),
});
const refreshBody = z.object({ guid: requiredString('invalid_request'), refresh_token: requiredString('invalid_request') });
const optionalText = z.string().optional().catch(undefined);
const hashBody = z.object({ agent_hash: optionalText, agent_id: optionalText, agent_guid: optionalText });

/** The first problem's message is the contract's error code (fields are checked in documented order). */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new AgentError('invalid', result.error.issues[0]?.message ?? 'invalid_request');
  return result.data;
}

export function createAgentRouter({ pool, config, log }: AgentRouterDeps): AgentRouter {
  const shared = createSharedState({ pool, redisUrl: config.redisUrl, log });
  let engineKey: EngineSigningKey | null = null;
  let scriptSigningKey: string | null = null;
  /** Loaded on first use: a gateway that never serves agents needs no key file. */
  const services = (unavailable: string): AgentServices => {
    try {
      engineKey ??= loadOrCreateEngineKey(config.engineKeyFile);
    } catch (error) {
      log.error({ err: (error as Error).message, file: config.engineKeyFile }, 'agent API: cannot read or create the engine signing key');
      throw new AgentError('unavailable', unavailable);
    }
    scriptSigningKey ??= config.scriptSigningKeyFile ? readScriptSigningKey(config.scriptSigningKeyFile, log) : '';
    return { pool, engineKey, scriptSigningKey, publicBaseUrl: config.publicBaseUrl ?? '', firstUse: (ns, key, ttl) => shared.firstUse(ns, key, ttl) };
  };
  let ingest: AgentIngest | null = null;
  const ingestOf = (agent: AgentServices) => (ingest ??= new AgentIngest(agent));
  const perIp = shared.limiter('enroll-ip', ENROLL_LIMITS.perIp.points, ENROLL_LIMITS.perIp.seconds);
  const perFingerprint = shared.limiter('enroll-fp', ENROLL_LIMITS.perFingerprint.points, ENROLL_LIMITS.perFingerprint.seconds);

  const limited = async (limiter: typeof perIp, key: string) => {
    const result = await limiter.consume(key);
    if (!result.allowed) throw new AgentError('rate_limited', 'rate_limited', { retry_after: Math.max(result.retryAfterMs, 0) / 1000 });
  };
  const ipOf = (c: AgentContext) => clientIp(c.req.header('x-forwarded-for') ?? null, c.env.peer, config.trustedProxies);
  /** The absolute URL DPoP's `htu` must name (Go: public base URL, else X-Forwarded-Proto/Host, + request URI). */
  const requestUrl = (c: AgentContext) => {
    const url = new URL(c.req.url);
    const base = config.publicBaseUrl ?? `${c.req.header('x-forwarded-proto') ?? url.protocol.replace(/:$/, '')}://${c.req.header('x-forwarded-host') ?? url.host}`;
    return `${base}${url.pathname}${url.search}`;
  };
  const dpopOf = (c: AgentContext) => {
    const proof = c.req.header('dpop');
    if (proof === undefined) return undefined;
    return { proof, method: c.req.method, url: requestUrl(c), firstUse: (jti: string) => shared.firstUse('dpop', jti, DPOP_WINDOW_SECONDS) };
  };
  const device = async (c: AgentContext, agent: AgentServices): Promise<AuthenticatedDevice> => {
    const authenticated = await authenticateDevice(pool, agent.engineKey, c.req.header('authorization'), dpopOf(c));
    c.env.trace.user = `device:${authenticated.guid}`;
    return authenticated;
  };

  const app = new Hono<{ Bindings: AgentRequestEnv }>();
  /** Runs a route: its name on the trace, its errors as the contract's JSON. */
  const route =
    (name: string, handler: (c: AgentContext) => Promise<Response>) =>
    async (c: AgentContext): Promise<Response> => {
      c.env.trace.operations.push({ name, type: null, valid: true });
      try {
        return await handler(c);
      } catch (error) {
        return errorResponse(c, error);
      }
    };
  const errorResponse = (c: AgentContext, error: unknown): Response => {
    const trace = c.env.trace;
    if (error instanceof AgentError) {
      trace.errorCodes.push(error.code);
      const response = c.json(error.replaceBody ? error.body : { error: error.code, ...error.body }, STATUS_OF[error.kind]);
      if (error.kind === 'rate_limited') response.headers.set('retry-after', String(Math.max(1, Math.ceil(Number(error.body.retry_after ?? 1)))));
      return response;
    }
    const infrastructure = classifyInfrastructureError(error);
    if (infrastructure) {
      trace.errorCodes.push(infrastructure.code);
      const response = c.json({ error: infrastructure.code.toLowerCase(), message: infrastructure.message }, infrastructure.status);
      response.headers.set('retry-after', String(infrastructure.retryAfterSeconds));
      return response;
    }
    trace.errorCodes.push('INTERNAL_SERVER_ERROR');
    trace.internalErrors.push(error instanceof Error ? error : new Error(String(error)));
    return c.json({ error: 'internal_error' }, 500);
  };
  /** The JSON object body; `malformed` is the route's code for unparseable JSON. An empty body is `{}`. */
  const jsonBody = async (c: AgentContext, malformed: string): Promise<Record<string, unknown>> => {
    const text = await c.req.text();
    if (!text.trim()) return {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new AgentError('invalid', malformed);
  };
  const limit = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => c.json({ error: 'request_too_large', limit_bytes: maxSize }, 413) });

  app.post('/api/agent/enroll/request', limit(BODY_LIMITS.enrollment), route('POST /api/agent/enroll/request', async (c) => {
    const agent = services('enrollment_unavailable');
    const ip = ipOf(c);
    await limited(perIp, `ip:${ip}`);
    const body = parseBody(enrollRequestBody, await jsonBody(c, 'invalid_request'));
    const parsed = parseEnrollmentRequest({
      hostname: body.hostname, enrollmentCode: body.enrollment_code, agentPubkey: body.agent_pubkey, clientNonce: body.client_nonce,
      onboarding: body.onboarding_context && { jobId: body.onboarding_context.job_id, runId: body.onboarding_context.run_id, target: body.onboarding_context.target },
    });
    await limited(perFingerprint, `fp:${parsed.fingerprint}`);
    return c.json(await requestEnrollment(agent, parsed, ip));
  }));

  app.post('/api/agent/enroll/poll', limit(BODY_LIMITS.enrollment), route('POST /api/agent/enroll/poll', async (c) => {
    const agent = services('enrollment_unavailable');
    const body = parseBody(pollBody, await jsonBody(c, 'invalid_request'));
    const result = await pollEnrollment(agent, { approvalReference: body.approval_reference, clientNonce: body.client_nonce, proofSig: body.proof_sig });
    return c.json(result.body, result.httpStatus);
  }));

  app.post('/api/agent/token/refresh', limit(BODY_LIMITS.refresh), route('POST /api/agent/token/refresh', async (c) => {
    const agent = services('token_refresh_unavailable');
    const body = parseBody(refreshBody, await jsonBody(c, 'invalid_request'));
    // Go checks the proof before touching the database.
    const dpop = dpopOf(c);
    const jkt = dpop ? await verifyDpopProof(dpop) : null;
    return c.json(await refreshAccessToken(agent, { guid: body.guid, refreshToken: body.refresh_token, dpopJkt: jkt }));
  }));

  app.post('/api/agent/heartbeat', limit(BODY_LIMITS.heartbeat), route('POST /api/agent/heartbeat', async (c) => {
    const agent = services('device_auth_unavailable');
    // Without DPoP, the token's signature is checked here and its database checks ride on the UPDATE.
    const token = c.req.header('dpop') === undefined ? bearerToken(c.req.header('authorization')) : null;
    if (token) {
      const claims = await verifyAccessToken(agent.engineKey, token);
      // A refused device is named before a malformed body, as on the step-by-step path.
      const body = await jsonBody(c, 'invalid_request').catch(async (error: unknown) => {
        await device(c, agent);
        throw error;
      });
      const done = await heartbeatIfAuthorized(agent, claims, body);
      if (done) {
        c.env.trace.user = `device:${claims.guid}`;
        return c.json(done);
      }
      return c.json(await heartbeat(agent, await device(c, agent), body));
    }
    const caller = await device(c, agent);
    return c.json(await heartbeat(agent, caller, await jsonBody(c, 'invalid_request')));
  }));

  app.post('/api/agent/status', limit(BODY_LIMITS.status), route('POST /api/agent/status', async (c) => {
    const agent = services('device_auth_unavailable');
    const caller = await device(c, agent);
    return c.json(await ingestOf(agent).status(caller, await jsonBody(c, 'invalid_request')));
  }));

  app.post('/api/agent/details', limit(BODY_LIMITS.details), route('POST /api/agent/details', async (c) => {
    const agent = services('device_auth_unavailable');
    const caller = await device(c, agent);
    const raw = await c.req.text();
    return c.json(await ingestOf(agent).details(caller, await jsonBody(c, 'invalid payload'), raw));
  }));

  app.post('/api/agent/script/request', limit(BODY_LIMITS.status), route('POST /api/agent/script/request', async (c) => {
    const agent = services('device_auth_unavailable');
    return c.json(scriptRequest(agent, await device(c, agent)));
  }));

  app.get('/api/agent/metadata/:field', route('GET /api/agent/metadata/{field}', async (c) => {
    const agent = services('device_auth_unavailable');
    const caller = await device(c, agent);
    return c.json(await metadataField(agent, caller, c.req.param('field') ?? ''));
  }));

  app.get('/api/agent/hash', route('GET /api/agent/hash', async (c) => {
    const agent = services('device_auth_unavailable');
    const caller = await device(c, agent);
    return c.json(await readAgentHash(agent, caller, { agentGuid: c.req.query('agent_guid'), agentId: c.req.query('agent_id') ?? c.req.query('id') }));
  }));

  app.post('/api/agent/hash', limit(BODY_LIMITS.hash), route('POST /api/agent/hash', async (c) => {
    const agent = services('device_auth_unavailable');
    const caller = await device(c, agent);
    const body = parseBody(hashBody, await jsonBody(c, 'invalid_request'));
    return c.json(await storeAgentHash(agent, caller, { agentHash: body.agent_hash, agentId: body.agent_id, agentGuid: body.agent_guid }));
  }));

  app.all('/api/agent/*', route('forward /api/agent/*', async (c) => {
    if (!config.upstreamUrl) {
      throw new AgentError('unavailable', 'upstream_not_configured', {
        message: `The gateway does not serve ${c.req.method} ${new URL(c.req.url).pathname} and BOREALIS_UPSTREAM_URL is not set.`,
      });
    }
    return forwardToUpstream(c.req.raw, { upstreamUrl: config.upstreamUrl, timeoutMs: config.upstreamTimeoutMs, clientIp: c.env.peer });
  }));

  return {
    shared,
    fetch: (request, env) => Promise.resolve(app.fetch(request, env)),
    close: () => shared.close(),
  };
}

/** `signing_key`: base64 of the script-signing key's SPKI DER (the engine's `.pub` file). */
function readScriptSigningKey(file: string, log: Logger): string {
  try {
    return fs.readFileSync(file).toString('base64');
  } catch (error) {
    log.warn({ file, err: (error as Error).message }, 'agent API: script-signing public key unreadable; signing_key is empty');
    return '';
  }
}
