import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SamplingOptions } from '../../src/config/sampling-options.ts';
import { probabilityToThreshold } from '../../src/sampling/consistent-threshold.ts';
import { RuleCounters } from '../../src/sampling/rule-counters.ts';
import { decideSampling, type Randomness, type RecordFacts } from '../../src/sampling/sampling-decision.ts';
import { SamplingPolicy } from '../../src/sampling/sampling-policy.ts';

const [TRACE, DEBUG, INFO, WARN, ERROR, FATAL] = [0, 1, 2, 3, 4, 5];
/** The smallest and largest 56-bit randomness: dropped by every threshold above 0, kept by every one. */
const LOWEST: Randomness = { hi: 0, lo: 0 };
const HIGHEST: Randomness = { hi: 0xfffffff, lo: 0xfffffff };

function policyOf(options: SamplingOptions): { policy: SamplingPolicy; counters: RuleCounters } {
  const counters = new RuleCounters();
  return { policy: new SamplingPolicy(options, counters), counters };
}

/** Decides one record; `reads` says how often the randomness was asked for. */
function decide(
  policy: SamplingPolicy,
  facts: Partial<RecordFacts> & { scope?: string; requestFailed?: boolean },
  randomness: Randomness = LOWEST,
): { kind: string; rule: string; reason?: string; reads: number } {
  let reads = 0;
  const decision = decideSampling(
    policy,
    {
      rules: policy.rulesFor(facts.scope ?? 'orders'),
      severityIndex: facts.severityIndex ?? INFO,
      eventName: facts.eventName,
      holdable: facts.holdable ?? false,
      failure: facts.failure ?? (facts.requestFailed === true ? 'error_buffer' : undefined),
      forced: facts.forced ?? false,
      traceSampled: facts.traceSampled,
    },
    () => (reads++, randomness),
  );
  return {
    kind: decision.kind,
    rule: decision.rule.name,
    ...(decision.kind === 'drop' ? { reason: decision.reason } : {}),
    reads,
  };
}

describe('decideSampling: every branch', () => {
  const { policy } = policyOf({
    default: { trace: 0, debug: 0.5, info: 0.1, warn: 0 },
    modules: { payments: { info: 1, warn: 0.5 }, 'auth.*': { info: 0 } },
    warnAllowlist: ['billing', 'deploy.*'],
  });

  test('ERROR and FATAL are always kept as errors, and need no randomness', () => {
    assert.deepEqual(decide(policy, { severityIndex: ERROR }), { kind: 'error', rule: 'error', reads: 0 });
    assert.deepEqual(decide(policy, { severityIndex: FATAL, holdable: true }), {
      kind: 'error',
      rule: 'fatal',
      reads: 0,
    });
  });

  test('a rule at 1 keeps without randomness', () => {
    assert.deepEqual(decide(policy, { scope: 'payments', severityIndex: INFO }), {
      kind: 'keep',
      rule: 'payments.info',
      reads: 0,
    });
  });

  test('a WARN of an allow-listed module is kept by the allow-list rule', () => {
    assert.deepEqual(decide(policy, { scope: 'billing.invoices', severityIndex: WARN }), {
      kind: 'keep',
      rule: 'warn_allowlist',
      reads: 0,
    });
  });

  test('a WARN whose event name is allow-listed is kept, whatever its module', () => {
    assert.deepEqual(decide(policy, { severityIndex: WARN, eventName: 'deploy.started' }), {
      kind: 'keep',
      rule: 'warn_allowlist',
      reads: 0,
    });
  });

  test('a WARN with an event name not on the list goes on to its own rule (p = 0: not_allowlisted)', () => {
    assert.deepEqual(decide(policy, { severityIndex: WARN, eventName: 'cache.miss' }), {
      kind: 'drop',
      rule: 'default.warn',
      reason: 'not_allowlisted',
      reads: 0,
    });
  });

  test('an event name on the list does not help an INFO record (the allow-list is for WARN)', () => {
    assert.deepEqual(decide(policy, { severityIndex: INFO, eventName: 'deploy.started' }, LOWEST), {
      kind: 'drop',
      rule: 'default.info',
      reason: 'sampled_out',
      reads: 1,
    });
  });

  test('a probability rule reads the randomness once: R >= T keeps, R < T drops', () => {
    assert.deepEqual(decide(policy, { severityIndex: INFO }, HIGHEST), {
      kind: 'keep',
      rule: 'default.info',
      reads: 1,
    });
    const threshold = probabilityToThreshold(0.1);
    const t = (BigInt(threshold.hi) << 28n) | BigInt(threshold.lo);
    const halves = (value: bigint): Randomness => ({
      hi: Number(value >> 28n),
      lo: Number(value & 0xfffffffn),
    });
    const atThreshold = halves(t);
    const belowThreshold = halves(t - 1n);
    assert.equal(decide(policy, { severityIndex: INFO }, atThreshold).kind, 'keep');
    assert.equal(decide(policy, { severityIndex: INFO }, belowThreshold).kind, 'drop');
  });

  test('a WARN at a probability is sampled like any other severity (reason sampled_out)', () => {
    assert.equal(decide(policy, { scope: 'payments', severityIndex: WARN }, HIGHEST).kind, 'keep');
    assert.deepEqual(decide(policy, { scope: 'payments', severityIndex: WARN }, LOWEST), {
      kind: 'drop',
      rule: 'payments.warn',
      reason: 'sampled_out',
      reads: 1,
    });
  });

  test('not kept, in a live request the error buffer could release: held', () => {
    assert.deepEqual(decide(policy, { severityIndex: DEBUG, holdable: true }, LOWEST), {
      kind: 'hold',
      rule: 'default.debug',
      reads: 1,
    });
    assert.deepEqual(decide(policy, { severityIndex: TRACE, holdable: true }), {
      kind: 'hold',
      rule: 'default.trace',
      reads: 0,
    });
  });

  test('not kept, in a request that already failed: kept by the error buffer rule', () => {
    assert.deepEqual(decide(policy, { severityIndex: INFO, holdable: true, requestFailed: true }, LOWEST), {
      kind: 'keep',
      rule: 'error_buffer',
      reads: 1,
    });
  });

  test('requestFailed without holdable (no error buffer) changes nothing: dropped', () => {
    assert.equal(decide(policy, { severityIndex: INFO, requestFailed: true }, LOWEST).kind, 'drop');
  });

  test('a rule at 0 drops without randomness; a WARN at 0 that no list names is not_allowlisted', () => {
    assert.deepEqual(decide(policy, { scope: 'auth.login', severityIndex: INFO }), {
      kind: 'drop',
      rule: 'auth.*.info',
      reason: 'sampled_out',
      reads: 0,
    });
    assert.deepEqual(decide(policy, { severityIndex: WARN }), {
      kind: 'drop',
      rule: 'default.warn',
      reason: 'not_allowlisted',
      reads: 0,
    });
  });
});

describe('decideSampling: rule resolution it relies on', () => {
  test('inheritance: a deeper module takes the nearest rule that names the severity', () => {
    const { policy } = policyOf({
      default: { info: 0.5 },
      modules: {
        payments: { info: 1, debug: 0 },
        'payments.webhooks': { debug: 1 },
        '*.webhooks': { info: 0 },
      },
    });
    assert.equal(
      decide(policy, { scope: 'payments.webhooks.stripe', severityIndex: DEBUG }).rule,
      'payments.webhooks.debug',
    );
    // At the level `payments.webhooks`, the only rule naming INFO is the wildcard one.
    assert.equal(
      decide(policy, { scope: 'payments.webhooks.stripe', severityIndex: INFO }).rule,
      '*.webhooks.info',
    );
    assert.equal(decide(policy, { scope: 'payments.refunds', severityIndex: INFO }).rule, 'payments.info');
    assert.equal(decide(policy, { scope: 'orders', severityIndex: INFO }, HIGHEST).rule, 'default.info');
  });

  test('at one level an exact key beats a wildcard, and a more specific wildcard beats a looser one', () => {
    const { policy } = policyOf({
      modules: { 'a.b': { info: 0 }, 'a.*': { info: 1 }, '*.b': { info: 0.5 }, '*.*': { info: 0.25 } },
    });
    assert.equal(decide(policy, { scope: 'a.b', severityIndex: INFO }).rule, 'a.b.info');
    assert.equal(decide(policy, { scope: 'a.c', severityIndex: INFO }).rule, 'a.*.info');
    assert.equal(decide(policy, { scope: 'z.b', severityIndex: INFO }, HIGHEST).rule, '*.b.info');
    assert.equal(decide(policy, { scope: 'z.c', severityIndex: INFO }, HIGHEST).rule, '*.*.info');
  });

  test('nothing names the severity: the built-in defaults (everything below WARN kept, WARN only when listed)', () => {
    const { policy } = policyOf({});
    for (const severityIndex of [TRACE, DEBUG, INFO]) {
      assert.equal(decide(policy, { severityIndex }).kind, 'keep');
    }
    assert.deepEqual(decide(policy, { severityIndex: WARN }), {
      kind: 'drop',
      rule: 'default.warn',
      reason: 'not_allowlisted',
      reads: 0,
    });
  });
});

describe('decideSampling: failures, keep tokens and the tracer', () => {
  const { policy } = policyOf({ default: { info: 0.1, debug: 0 }, errorBuffer: {} });
  const traced = policyOf({ default: { info: 0.1, debug: 0 }, traceBased: true }).policy;

  test('a request that failed upstream keeps its later records under upstream_failure', () => {
    assert.deepEqual(decide(policy, { severityIndex: INFO, holdable: true, failure: 'upstream_failure' }), {
      kind: 'keep',
      rule: 'upstream_failure',
      reads: 1,
    });
  });

  test('a keep token keeps every severity below ERROR under forced, without randomness', () => {
    for (const severityIndex of [TRACE, DEBUG, INFO, WARN]) {
      assert.deepEqual(decide(policy, { severityIndex, forced: true }), {
        kind: 'keep',
        rule: 'forced',
        reads: 0,
      });
    }
    assert.equal(decide(policy, { severityIndex: ERROR, forced: true }).kind, 'error');
  });

  test('traceBased: the sampled flag replaces the draw; rules at 0 still drop; no trace falls back to the draw', () => {
    assert.deepEqual(decide(traced, { severityIndex: INFO, traceSampled: true }, LOWEST), {
      kind: 'keep',
      rule: 'default.info',
      reads: 0,
    });
    assert.equal(decide(traced, { severityIndex: INFO, traceSampled: false }, HIGHEST).kind, 'drop');
    assert.equal(decide(traced, { severityIndex: DEBUG, traceSampled: true }).kind, 'drop');
    assert.deepEqual(decide(traced, { severityIndex: INFO }, HIGHEST), {
      kind: 'keep',
      rule: 'default.info',
      reads: 1,
    });
  });
});

describe('decideSampling is pure', () => {
  test('the same facts and randomness give the same decision object; nothing is counted', () => {
    const { policy, counters } = policyOf({ default: { info: 0.5 } });
    const facts: RecordFacts = {
      rules: policy.rulesFor('orders'),
      severityIndex: INFO,
      eventName: undefined,
      holdable: false,
      failure: undefined,
      forced: false,
      traceSampled: undefined,
    };
    const first = decideSampling(policy, facts, () => LOWEST);
    const again = decideSampling(policy, facts, () => LOWEST);
    assert.equal(first, again, 'decisions are made once per rule: deciding allocates nothing');
    const counter = counters.get('default.info');
    assert.deepEqual([counter.kept, counter.sampledOut, counter.notAllowlisted], [0, 0, 0]);
  });
});
