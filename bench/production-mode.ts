/**
 * Imported first by the benchmarks: they measure the gateway as it is deployed (the Dockerfile
 * sets NODE_ENV=production). graphql-js reads NODE_ENV once, when it is loaded, and outside
 * production checks every `instanceof` of its type system for duplicate copies of itself, which
 * costs CPU on every request. An explicit NODE_ENV is kept.
 */
process.env.NODE_ENV ??= 'production';
