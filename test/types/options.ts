// LoggingOptions as users write it: valid options compile, unknown keys and wrong types do not.
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { createLogging, type Logging, type LoggingOptions } from 'logweave';
import { expectAssignable, type Equal, type Expect } from './expect.ts';

createLogging();
createLogging({
  serviceName: 'checkout',
  resourceAttributes: { 'deployment.environment': 'prod', replicas: 3, canary: false },
  level: 'debug',
  exporter: 'otlp',
  otlp: { url: 'http://collector:4318/v1/logs', protocol: 'http/json', headers: { authorization: 'x' } },
  batch: { maxQueueSize: 4096, scheduledDelayMillis: 500 },
  sampling: {
    default: { info: 0.1, debug: 0 },
    modules: { payments: { info: 1 }, 'auth.*': { debug: 0.5 } },
    warnAllowlist: ['payments'],
    errorBuffer: { maxRecords: 100 },
    burst: { perTemplatePerSecond: 50 },
  },
  redaction: { keys: ['ssn'], mode: 'hash', hashKey: 'a-key-of-sixteen-chars' },
  handleSignals: false,
  diagnosticWriter: (line: string) => void line,
  env: {},
});
// An exporter instance is accepted wherever a name is.
createLogging({ exporter: new InMemoryLogRecordExporter() });

export type CreateLoggingReturnsLogging = Expect<Equal<ReturnType<typeof createLogging>, Logging>>;
export type OptionsAreOptional = Expect<Equal<Parameters<typeof createLogging>, [options?: LoggingOptions]>>;

// @ts-expect-error an unknown key (a typo of serviceName)
createLogging({ servicename: 'checkout' });
// @ts-expect-error an unknown nested key
createLogging({ batch: { maxQueueSize: 10, queueSize: 10 } });
// @ts-expect-error an unknown sampling key
createLogging({ sampling: { defaults: { info: 1 } } });
// @ts-expect-error not a severity name
createLogging({ level: 'verbose' });
// @ts-expect-error not an exporter name
createLogging({ exporter: 'kafka' });
// @ts-expect-error a number where a number is expected, not a string
createLogging({ batch: { maxQueueSize: '4096' } });
// @ts-expect-error probabilities are numbers
createLogging({ sampling: { default: { info: '10%' } } });
// @ts-expect-error resource attribute values are strings, numbers or booleans (the schema's rule)
createLogging({ resourceAttributes: { tags: ['a', 'b'] } });
// @ts-expect-error the redaction mode is one of a few names
createLogging({ redaction: { mode: 'encrypt' } });

// Declared apart from the call (no excess-property check there), a wrong type still fails.
const fromConfig = { level: 'warn', handleSignals: true } as const;
expectAssignable<LoggingOptions>(fromConfig);
const wrong = { handleSignals: 'yes' };
// @ts-expect-error handleSignals is a boolean
expectAssignable<LoggingOptions>(wrong);
