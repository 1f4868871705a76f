/*
 * The callback-pool case of context-limits.test.ts with the real `pg` driver against a real
 * PostgreSQL (a cluster made for the test, on a Unix socket): `pool.query(sql, callback)` runs
 * the callback in the context of the request that opened the connection, or none when the pool
 * was warmed at start-up; `AsyncResource.bind` fixes it; `await pool.query(sql)` holds. Skipped
 * where PostgreSQL's server programs are not installed: the generic pool there shows the same
 * mechanism on every machine.
 */
import assert from 'node:assert/strict';
import { AsyncResource } from 'node:async_hooks';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { memoryLogging } from './support/http-fixtures.ts';
import { startPostgres } from './support/postgres-server.ts';
import {
  assertOwnContext,
  foreignCount,
  recordsWithBody,
  requestIdOf,
  REQUESTS,
  serveRequests,
} from './support/request-records.ts';

const CONNECTIONS = 4;
const server = await startPostgres();
// CI installs PostgreSQL (.ci/run): there a missing server is a failure, never a skip. A
// contributor's machine without it skips this one file and says why.
if (typeof server === 'string' && process.env['CI'] === 'true')
  throw new Error(`${server}: install Debian's postgresql package (apt-get install postgresql)`);
const skip = typeof server === 'string' ? server : false;

describe('pg against a real PostgreSQL', { skip }, () => {
  const { logging, records } = memoryLogging('context-limits-pg', { env: {} });
  const log = logging.getLogger('context-limits-pg');
  const pools: pg.Pool[] = [];
  after(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    if (typeof server !== 'string') await server.stop();
    await logging.shutdown();
  });

  function newPool(): pg.Pool {
    if (typeof server === 'string') throw new Error(server);
    const pool = new pg.Pool({ ...server, database: 'postgres', max: CONNECTIONS });
    // The server is stopped at the end while idle clients are still connected.
    pool.on('error', () => undefined);
    pools.push(pool);
    return pool;
  }

  const queryAndLog = (pool: pg.Pool, index: number, body: string) =>
    new Promise<void>((resolve, reject) =>
      pool.query<{ index: number }>('select $1::int as index', [index], (error, result) => {
        if (error) return reject(error);
        assert.equal(result.rows[0]?.index, index);
        log.info(body, { index });
        resolve();
      }),
    );

  test('pool.query callbacks borrow the context of the request that opened the connection', async () => {
    const pool = newPool();
    await serveRequests((index) => queryAndLog(pool, index, 'pg: borrowed'));
    const seen = recordsWithBody(await records(), 'pg: borrowed');
    assert.deepEqual(
      new Set(seen.map((record) => record.requestId)),
      new Set(Array.from({ length: CONNECTIONS }, (_, index) => requestIdOf(index))),
    );
    assert.ok(foreignCount(seen) >= REQUESTS - CONNECTIONS, `${foreignCount(seen)} foreign request ids`);
  });

  test('pool.query callbacks of a pool warmed at start-up lose the context', async () => {
    const pool = newPool();
    await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.query('select 1')));
    await serveRequests((index) => queryAndLog(pool, index, 'pg: lost'));
    const seen = recordsWithBody(await records(), 'pg: lost');
    assert.deepEqual(new Set(seen.map((record) => record.requestId)), new Set([undefined]));
  });

  test('AsyncResource.bind(callback) fixes it', async () => {
    const pool = newPool();
    const contexts = await serveRequests(
      (index) =>
        new Promise<void>((resolve, reject) =>
          pool.query(
            'select $1::int as index',
            [index],
            AsyncResource.bind((error: Error | undefined) => {
              if (error) return reject(error);
              log.info('pg: AsyncResource.bind', { index });
              resolve();
            }),
          ),
        ),
    );
    assertOwnContext(recordsWithBody(await records(), 'pg: AsyncResource.bind'), contexts);
  });

  test('holds: code after `await pool.query()` runs in the awaiting request', async () => {
    const pool = newPool();
    const contexts = await serveRequests(async (index) => {
      const result = await pool.query<{ index: number }>('select $1::int as index', [index]);
      assert.equal(result.rows[0]?.index, index);
      log.info('pg: await', { index });
    });
    assertOwnContext(recordsWithBody(await records(), 'pg: await'), contexts);
  });
});
