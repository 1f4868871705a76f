import { SERVICES, SHAPES, startFourServices, type Service, type Shape } from './four-services.ts';

/** Lines per (shape, service): emitted (from a run that keeps everything) and kept at the policy's share. */
export interface StoryFigures {
  readonly requestsPerShape: number;
  readonly infoShare: number;
  /** shape → service → { emitted, kept } summed over the shape's requests. */
  readonly lines: ReadonlyMap<Shape, ReadonlyMap<Service, { emitted: number; kept: number }>>;
}

/** The application's own lines (the access record aside) of each request id, per service. */
async function runOnce(
  options: { infoShare: number; signalSecret?: string },
  requestsPerShape: number,
): Promise<Map<string, Map<Service, number>>> {
  const topology = await startFourServices(options);
  try {
    const ids: Array<{ id: string; shape: Shape }> = [];
    for (const shape of SHAPES)
      for (let index = 0; index < requestsPerShape; index++) ids.push({ id: `${shape}-${index}`, shape });
    // Eight at a time, as concurrent users would.
    for (let start = 0; start < ids.length; start += 8) {
      await Promise.all(
        ids.slice(start, start + 8).map(async (body) => {
          const response = await fetch(topology.edgeUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          await response.text();
        }),
      );
    }
    // Release calls travel after the responses: let them land before reading.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const byId = new Map<string, Map<Service, number>>();
    for (const [service, records] of await topology.records()) {
      for (const record of records) {
        const id = record.attributes['id'];
        if (typeof id !== 'string' || record.instrumentationScope.name !== service) continue;
        const perService = byId.get(id) ?? new Map<Service, number>();
        perService.set(service, (perService.get(service) ?? 0) + 1);
        byId.set(id, perService);
      }
    }
    return byId;
  } finally {
    await topology.close();
  }
}

export async function measureStory(options: {
  infoShare: number;
  signalSecret?: string;
  requestsPerShape: number;
}): Promise<StoryFigures> {
  const truth = await runOnce({ infoShare: 1 }, options.requestsPerShape);
  const kept = await runOnce(options, options.requestsPerShape);
  const lines = new Map<Shape, Map<Service, { emitted: number; kept: number }>>();
  for (const shape of SHAPES) {
    const perService = new Map<Service, { emitted: number; kept: number }>();
    for (const service of SERVICES) perService.set(service, { emitted: 0, kept: 0 });
    for (let index = 0; index < options.requestsPerShape; index++) {
      const id = `${shape}-${index}`;
      for (const service of SERVICES) {
        const cell = perService.get(service) as { emitted: number; kept: number };
        cell.emitted += truth.get(id)?.get(service) ?? 0;
        cell.kept += kept.get(id)?.get(service) ?? 0;
      }
    }
    lines.set(shape, perService);
  }
  return { requestsPerShape: options.requestsPerShape, infoShare: options.infoShare, lines };
}
