import { defineConfig } from 'tsdown';

// One file per module (unbundle) in both formats, so the ESM and CJS builds share no
// duplicated module state and stack traces point at recognisable file names.
export default defineConfig({
  entry: [
    'src/index.ts',
    'src/cli/main.ts',
    'integrations/express/index.ts',
    'integrations/fastify/index.ts',
    // Started as a worker thread by src/config/parse-config-off-thread.ts, never imported.
    'src/config/config-parse-worker.ts',
    'integrations/pino/index.ts',
    'integrations/winston/index.ts',
    'integrations/nest/index.ts',
  ],
  // Sources live in src/ and integrations/; keeping '.' as the root keeps dist paths stable as entries are added.
  root: '.',
  format: ['esm', 'cjs'],
  unbundle: true,
  // Members marked @internal (used across logweave's own modules) stay out of the published
  // types; `npm run check:package` fails if one appears in dist/ (scripts/check-dts-internal.ts).
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  platform: 'node',
  target: 'node22.15',
  outDir: 'dist',
  clean: true,
});
