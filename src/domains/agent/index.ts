/** The agent domain: the services behind /api/agent/* (src/rest), free of HTTP types. */
export * from './common.js';
export * from './enrollment.js';
export * from './tokens.js';
export * from './ingest.js';
export * from './reads.js';
