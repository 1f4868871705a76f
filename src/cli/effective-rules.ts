import { DEFAULTS } from '../core/defaults.ts';
import type { SerializableOptions } from '../config/options-schema.ts';
import { SEVERITY_NAMES, type SeverityName } from '../core/severity.ts';
import { RuleCounters } from '../sampling/rule-counters.ts';
import { UNSAMPLED_RULE } from '../core/attribute-names.ts';
import { SamplingPolicy } from '../sampling/sampling-policy.ts';

/** What happens to a module's records of one severity under a configuration. */
export interface EffectiveRule {
  severity: SeverityName;
  /** `below_level`: never created; otherwise how the rule decides. */
  outcome: 'below_level' | 'keep' | 'drop' | 'probability';
  /** The rule name as `logging.stats()` and the `logweave.sampling.rule` attribute report it. */
  rule: string;
  /** Keep-probability (0..1); 0 below the level. */
  probability: number;
}

/**
 * The rule in force for each severity of `module`, resolved by the sampling policy itself
 * (`SamplingPolicy.rulesFor`, the code the processor runs), so what `check-config` prints is
 * what the pipeline does. The `level` option comes first: below it nothing is created.
 */
export function effectiveRules(config: SerializableOptions, module: string): EffectiveRule[] {
  const level = config.level ?? DEFAULTS.level;
  const minimum = SEVERITY_NAMES.indexOf(level);
  const scope =
    config.sampling === undefined
      ? undefined
      : new SamplingPolicy(config.sampling, new RuleCounters()).rulesFor(module);
  return SEVERITY_NAMES.map((severity, index) => {
    if (index < minimum) return { severity, outcome: 'below_level', rule: `level: ${level}`, probability: 0 };
    const rule = scope?.bySeverity[index];
    if (rule === undefined) return { severity, outcome: 'keep', rule: UNSAMPLED_RULE, probability: 1 };
    return { severity, outcome: rule.kind, rule: rule.name, probability: rule.probability };
  });
}

/** One-line descriptions of the sampling section, with the defaults that apply. */
export function describeSampling(config: SerializableOptions): string[] {
  const sampling = config.sampling;
  const lines = [
    `level: ${config.level ?? `${DEFAULTS.level} (default)`}; records below it are never created`,
  ];
  if (sampling === undefined)
    return [...lines, 'sampling: not configured, every record at or above the level is kept'];
  const modules = Object.keys(sampling.modules ?? {});
  lines.push(
    `sampling: ${modules.length} module rule${modules.length === 1 ? '' : 's'}` +
      `${modules.length > 0 ? ` (${modules.join(', ')})` : ''}; WARN allow-list: ` +
      `${sampling.warnAllowlist?.length ? sampling.warnAllowlist.join(', ') : 'none'}`,
  );
  const buffer = sampling.errorBuffer;
  lines.push(
    buffer === undefined
      ? 'error buffer: off (records sampling drops are gone even if their request fails)'
      : `error buffer: on, ${buffer.maxRecords ?? DEFAULTS.sampling.errorBuffer.maxRecords} records and ` +
          `${buffer.maxBytes ?? DEFAULTS.sampling.errorBuffer.maxBytes} bytes per request, ` +
          `${buffer.maxTotalBytes ?? DEFAULTS.sampling.errorBuffer.maxTotalBytes} bytes in all, ` +
          `${buffer.maxAgeMillis ?? DEFAULTS.sampling.errorBuffer.maxAgeMillis} ms at most`,
  );
  lines.push(
    sampling.burst === undefined
      ? 'burst limit: off'
      : `burst limit: ${sampling.burst.perTemplatePerSecond ?? DEFAULTS.sampling.burst.perTemplatePerSecond} records per second per message template`,
  );
  return lines;
}
