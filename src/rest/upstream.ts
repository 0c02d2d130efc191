/**
 * Forwarding of the agent routes the gateway does not serve to the Borealis engine
 * (BOREALIS_UPSTREAM_URL): method, path, query, headers and body intact (hop-by-hop headers
 * dropped, X-Forwarded-* added), a bounded wait, and a JSON error when the engine cannot answer.
 */
import { AgentError } from '../auth/agent-error.js';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length'];

export async function forwardToUpstream(request: Request, options: { upstreamUrl: string; timeoutMs: number; clientIp: string }): Promise<Response> {
  const incoming = new URL(request.url);
  const target = `${options.upstreamUrl}${incoming.pathname}${incoming.search}`;
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  if (options.clientIp) headers.set('x-forwarded-for', [request.headers.get('x-forwarded-for'), options.clientIp].filter(Boolean).join(', '));
  if (!headers.has('x-forwarded-host')) headers.set('x-forwarded-host', incoming.host);
  if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', incoming.protocol.replace(/:$/, ''));
  const hasBody = !['GET', 'HEAD'].includes(request.method);
  let response: Response;
  try {
    response = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new AgentError(timedOut ? 'timeout' : 'unavailable', timedOut ? 'upstream_timeout' : 'upstream_unavailable');
  }
  const out = new Headers(response.headers);
  // fetch has already decoded the body.
  for (const name of [...HOP_BY_HOP, 'content-encoding']) out.delete(name);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: out });
}
