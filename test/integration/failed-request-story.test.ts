// The whole story of a failed request across four services (edge → orders → inventory, payments).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAILURE_PATH, SERVICES, SHAPES, type Shape } from '../../bench/failed-request/four-services.ts';
import { measureStory } from '../../bench/failed-request/measure.ts';

const SECRET = 'a-shared-secret-of-32-characters!';

function share(
  figures: Awaited<ReturnType<typeof measureStory>>,
  shape: Shape,
  services: readonly string[],
): number {
  let kept = 0;
  let emitted = 0;
  for (const [service, cell] of figures.lines.get(shape) ?? []) {
    if (!services.includes(service)) continue;
    kept += cell.kept;
    emitted += cell.emitted;
  }
  return emitted === 0 ? 1 : kept / emitted;
}

test('with signals, every line of every service is kept for every shape of failure; successes stay at the policy share', async () => {
  const figures = await measureStory({ infoShare: 0.1, requestsPerShape: 20, signalSecret: SECRET });
  for (const shape of SHAPES.filter((candidate) => candidate !== 'success')) {
    assert.equal(share(figures, shape, FAILURE_PATH[shape]), 1, `${shape}: the failure path is complete`);
    assert.equal(
      share(figures, shape, SERVICES),
      1,
      `${shape}: every service, siblings included, is complete`,
    );
  }
  // 20 successful requests at 10 %: what sampling kept, no more (bounds a binomial never leaves in practice).
  const success = share(figures, 'success', SERVICES);
  assert.ok(success <= 0.5, `successful requests kept ${(success * 100).toFixed(1)} % of their lines`);
});

test('without signals, the failure path from the failing service to the edge is complete (graceful handling included)', async () => {
  const figures = await measureStory({ infoShare: 0.1, requestsPerShape: 20 });
  for (const shape of SHAPES) {
    if (shape === 'success' || shape === 'payments_retry_succeeds') continue;
    assert.equal(share(figures, shape, FAILURE_PATH[shape]), 1, `${shape}: the failure path is complete`);
  }
  // The retried charge succeeded at payments: only its failed attempt is payments' failure; the
  // callers above it (who saw the failure) keep everything.
  assert.equal(share(figures, 'payments_retry_succeeds', ['orders', 'edge']), 1);
});
