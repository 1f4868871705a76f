/**
 * `npm run test:latest-instrumentations`: runs test/integration/bridges-pino-winston.test.ts (the
 * README's instrumentation recipe) against the newest releases of
 * @opentelemetry/instrumentation-pino, -winston and -bunyan (and @opentelemetry/winston-transport),
 * not only the versions package.json pins: a new release that changes where it logs (as
 * instrumentation-pino 0.70 did) fails here before users find out.
 *
 * How: a scratch tree under test/.tmp/ holds a copy of src/, integrations/ and the test with its
 * helpers, and a node_modules/ of its own with only the newest instrumentations; Node resolves
 * those from there and everything else (pino, winston, bunyan, the OTel SDK) from the project's
 * node_modules/ above it. Peers are not installed again (--legacy-peer-deps), so there is one
 * @opentelemetry/api. Needs the npm registry.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = [
  '@opentelemetry/instrumentation-pino',
  '@opentelemetry/instrumentation-winston',
  '@opentelemetry/instrumentation-bunyan',
  '@opentelemetry/winston-transport',
];
const TEST = 'test/integration/bridges-pino-winston.test.ts';
const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, 'test', '.tmp', 'latest-instrumentations');

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
for (const path of ['src', 'integrations', 'test/helpers', 'test/integration/support', TEST]) {
  cpSync(join(root, path), join(scratch, path), { recursive: true });
}
writeFileSync(
  join(scratch, 'package.json'),
  `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`,
);
run(
  'npm',
  [
    'install',
    '--no-save',
    '--no-package-lock',
    '--legacy-peer-deps',
    '--no-audit',
    '--no-fund',
    ...PACKAGES.map((name) => `${name}@latest`),
  ],
  scratch,
);
for (const name of PACKAGES) {
  const { version } = JSON.parse(
    readFileSync(join(scratch, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { version: string };
  console.log(`${name}@${version}`);
}
run(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=120000', TEST], scratch);
