/**
 * How much of a failed request's story every service keeps (issue: "the whole story of a failed
 * request"). Four services (edge → orders → inventory, payments), INFO sampled at 10 %, error
 * buffer on; every shape of failure; kept lines over emitted lines per service.
 *
 *   npx node bench/failed-request-story.ts [--requests 100] [--no-signals]
 */
import { parseArgs } from 'node:util';
import { FAILURE_PATH, SERVICES, SHAPES } from './failed-request/four-services.ts';
import { measureStory } from './failed-request/measure.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100' },
    'no-signals': { type: 'boolean', default: false },
  },
});
const requestsPerShape = Number(values.requests);
const figures = await measureStory({
  infoShare: 0.1,
  requestsPerShape,
  ...(values['no-signals'] ? {} : { signalSecret: 'a-shared-secret-of-32-characters!' }),
});
const percent = (kept: number, emitted: number): string =>
  emitted === 0 ? '—' : `${((100 * kept) / emitted).toFixed(1)} %`;
console.log(
  `${requestsPerShape} requests per shape, INFO at 10 %, signals ${values['no-signals'] ? 'off' : 'on'}\n`,
);
console.log(`| shape | ${SERVICES.join(' | ')} | on the failure path | elsewhere |`);
console.log(`|---|${SERVICES.map(() => '---:').join('|')}|---:|---:|`);
for (const shape of SHAPES) {
  const perService = figures.lines.get(shape)!;
  let pathKept = 0;
  let pathEmitted = 0;
  let otherKept = 0;
  let otherEmitted = 0;
  for (const service of SERVICES) {
    const { kept, emitted } = perService.get(service)!;
    if (FAILURE_PATH[shape].includes(service)) {
      pathKept += kept;
      pathEmitted += emitted;
    } else {
      otherKept += kept;
      otherEmitted += emitted;
    }
  }
  const cells = SERVICES.map((service) => {
    const { kept, emitted } = perService.get(service)!;
    return percent(kept, emitted);
  });
  console.log(
    `| ${shape} | ${cells.join(' | ')} | ${percent(pathKept, pathEmitted)} | ${percent(otherKept, otherEmitted)} |`,
  );
}
