/**
 * An error of the Borealis agent contract: the exact `{"error": code}` string agents branch on and
 * the kind of failure, which the REST layer maps to the documented HTTP status. Thrown by device
 * authentication and by the agent domain services; they know nothing of HTTP.
 */
export type AgentErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'unavailable' | 'timeout' | 'internal';

export class AgentError extends Error {
  constructor(
    readonly kind: AgentErrorKind,
    readonly code: string,
    /** Extra fields of the JSON body (e.g. `retry_after`), or a whole body when `replaceBody`. */
    readonly body: Record<string, unknown> = {},
    readonly replaceBody = false,
  ) {
    super(code);
    this.name = 'AgentError';
  }
}

export const agentError = (kind: AgentErrorKind, code: string) => new AgentError(kind, code);
