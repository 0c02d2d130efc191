/**
 * The demo-data marker: a comment on the `engine` schema, so no table, column or row is added to
 * Borealis's schemas (the drift check and the API never see it). It says the database's rows were
 * written by this seed, whether the seed finished, and the "now" the data is relative to.
 *
 * - `seeding`: written before the first row; a database left so by Ctrl-C is completed next time.
 * - `complete`: written after the last row.
 * A database with rows but no marker holds someone else's data: the seed never writes into it.
 */
import type pg from 'pg';
import { inTransaction } from './writer.js';

const PREFIX = 'borealis-graphql-gateway demo data ';

export interface SeedMarker {
  state: 'seeding' | 'complete';
  /** Epoch seconds every seeded timestamp is relative to. */
  now: number;
  /** Largest device count seeded so far. */
  devices: number;
}

export class NotDemoDatabaseError extends Error {
  constructor() {
    super('The database holds data the demo seed did not write (no demo marker on schema engine): refusing to add demo rows. Use an empty database.');
    this.name = 'NotDemoDatabaseError';
  }
}

export async function readSeedMarker(db: pg.Pool | pg.PoolClient): Promise<SeedMarker | null> {
  const { rows } = await db.query<{ comment: string | null }>(`SELECT obj_description('engine'::regnamespace, 'pg_namespace') AS comment`);
  const comment = rows[0]?.comment;
  if (!comment?.startsWith(PREFIX)) return null;
  try {
    const marker = JSON.parse(comment.slice(PREFIX.length)) as SeedMarker;
    return ['seeding', 'complete'].includes(marker.state) && Number.isInteger(marker.now) ? marker : null;
  } catch {
    return null;
  }
}

async function writeMarker(client: pg.PoolClient, marker: SeedMarker): Promise<void> {
  await client.query(`COMMENT ON SCHEMA engine IS ${client.escapeLiteral(PREFIX + JSON.stringify(marker))}`);
}

async function hasRows(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM engine.sites) OR EXISTS (SELECT 1 FROM engine.devices) OR EXISTS (SELECT 1 FROM engine.users) AS any`,
  );
  return rows[0]?.any === true;
}

/** Marks the run as started; returns the "now" to use (an earlier run's, when there is one). */
export async function beginSeed(pool: pg.Pool, wanted: { now: number; devices: number }): Promise<SeedMarker> {
  return inTransaction(pool, async (client) => {
    const existing = await readSeedMarker(client);
    if (!existing && (await hasRows(client))) throw new NotDemoDatabaseError();
    const marker: SeedMarker = { state: 'seeding', now: existing?.now ?? wanted.now, devices: Math.max(existing?.devices ?? 0, wanted.devices) };
    if (existing?.state !== 'complete' || existing.devices < wanted.devices) await writeMarker(client, marker);
    return marker;
  });
}

export async function finishSeed(pool: pg.Pool, done: { now: number; devices: number }): Promise<void> {
  await inTransaction(pool, async (client) => {
    const existing = await readSeedMarker(client);
    await writeMarker(client, { state: 'complete', now: done.now, devices: Math.max(existing?.devices ?? 0, done.devices) });
  });
}
