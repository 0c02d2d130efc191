/** Value spellings as Borealis writes them: hashes, aegis envelopes, ISO-8601 variants, Python JSON. */
import { createHash } from 'node:crypto';
import { Rng } from './random.js';
import { T } from './writer.js';

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
export const sha512 = (data: string): string => createHash('sha512').update(data, 'utf8').digest('hex');
export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** An Aegis Cipher envelope as Borealis stores it (ASCII `aegis:v1:` + base64 nonce/ciphertext/tag). */
export function aegisEnvelope(rng: Rng, plaintextLength: number): string {
  return `aegis:v1:${rng.bytes(12 + plaintextLength + 16).toString('base64')}`;
}

/** Ed25519 SubjectPublicKeyInfo DER (the 12-byte prefix + 32 key bytes), as enrollment stores it. */
export function ed25519Spki(rng: Rng): Buffer {
  return Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), rng.bytes(32)]);
}

// ---------------------------------------------------------------------------------------------
// Timestamps: int4 epoch seconds and ISO-8601 text in the three spellings Borealis writes
// ---------------------------------------------------------------------------------------------

export function isoBase(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 19);
}

/** Python datetime.isoformat() of an aware UTC datetime. */
export function isoPython(epoch: number, micros: number): string {
  return `${isoBase(epoch)}${micros ? `.${String(micros).padStart(6, '0')}` : ''}+00:00`;
}

/** Go time.RFC3339 in UTC. */
export function isoGo(epoch: number): string {
  return `${isoBase(epoch)}Z`;
}

/** Go time.RFC3339Nano in UTC (trailing zeros of the fraction trimmed). */
export function isoGoNano(epoch: number, nanos: number): string {
  const frac = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${isoBase(epoch)}${frac ? `.${frac}` : ''}Z`;
}

export function isoMixed(rng: Rng, epoch: number): string {
  const roll = rng.next();
  if (roll < 0.45) return isoPython(epoch, rng.int(1, 999999));
  if (roll < 0.7) return isoGo(epoch);
  return isoGoNano(epoch, rng.int(1, 999999999));
}

/** Naive UTC, second precision (assemblies.official_catalog_state.updated_at). */
export function isoNaive(epoch: number): string {
  return isoBase(epoch);
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function dateOnly(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM:SS` as the agent reports last_reboot. */
export function rebootText(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

// ---------------------------------------------------------------------------------------------
// JSON spellings: Python json.dumps(sort_keys=True, ensure_ascii=True) vs Go encoding/json
// ---------------------------------------------------------------------------------------------

export function pyString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${pyString(k)}: ${pyJson(obj[k])}`)
    .join(', ')}}`;
}

export const goJson = (value: unknown): string => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------
// Table specs and the batched unnest() writer
