/**
 * The client IP used for rate limits and the wrong-code records. Borealis's rule (default): the
 * first X-Forwarded-For entry, else the socket peer; any client can therefore choose its own
 * address. Hardened (GATEWAY_AGENT_TRUSTED_PROXIES set): X-Forwarded-For is honoured only when the
 * peer is a listed proxy, and the client is the right-most entry that is not a listed proxy.
 */
export function clientIp(forwardedFor: string | null, peer: string, trustedProxies: readonly string[] | null): string {
  const entries = (forwardedFor ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  if (trustedProxies === null) return entries[0] ?? peer;
  const trusted = new Set(trustedProxies.map(normalizeAddress));
  if (!trusted.has(normalizeAddress(peer))) return peer;
  for (let i = entries.length - 1; i >= 0; i -= 1) if (!trusted.has(normalizeAddress(entries[i]!))) return entries[i]!;
  return entries[0] ?? peer;
}

/** IPv4-mapped IPv6 peers (::ffff:10.0.0.1) compare as their IPv4 address. */
function normalizeAddress(address: string): string {
  return address.trim().toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}
