/**
 * Layers of logweave, lowest first. A module may import only from layers below its own (or its own
 * folder); `npm run lint` fails on any back edge and on any import cycle. The order is the one in
 * ../shared/DESIGN.md: shared kernel, configuration, pure domain logic, SDK components, assembly,
 * entry points.
 */
const LAYERS = [
  ['core', '^src/core/'],
  ['config', '^src/config/'],
  ['attributes', '^src/attributes/'],
  ['context', '^src/context/'],
  ['redaction', '^src/redaction/'],
  ['sampling', '^src/sampling/'],
  ['logger', '^src/logger/'],
  // Log bridges: another logger's line (pino, winston, console) mapped onto the facade's gates
  // and limits. They emit through the facade logger, never into the pipeline directly.
  ['bridges', '^src/bridges/'],
  ['pipeline', '^src/pipeline/'],
  ['exporters', '^src/exporters/'],
  ['lifecycle', '^src/lifecycle/'],
  ['http', '^src/http/'],
  ['assembly', '^src/assembly/'],
  ['create-logging', '^src/create-logging\\.ts$'],
  ['cli', '^src/cli/'],
  ['index', '^src/index\\.ts$'],
  ['integrations', '^integrations/'],
];

const layerRules = LAYERS.slice(0, -1).map(([name, path], index) => ({
  name: `layer-${name}`,
  comment: `${name} sits below ${LAYERS.slice(index + 1)
    .map(([above]) => above)
    .join(', ')}: it must not import them (see .dependency-cruiser.mjs)`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(index + 1).map(([, above]) => above) },
}));

export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle: split the module that both sides need into a lower layer',
      severity: 'error',
      from: { path: '^(src|integrations)/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^(src|integrations)/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'shipped-code-not-from-tests',
      comment: 'what ships must not import tests, benchmarks, examples or scripts',
      severity: 'error',
      from: { path: '^(src|integrations)/' },
      to: { path: '^(test|bench|examples|scripts)/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
