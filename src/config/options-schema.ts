import { z } from 'zod';
import { SEVERITY_NAMES } from '../core/severity.ts';
import { samplingSchema } from './sampling-schema.ts';
import { redactionSchema } from './redaction-schema.ts';
import { deliverySchema } from './delivery-schema.ts';
import { EXPORTER_NAMES, RESOURCE_DETECTOR_NAMES } from './logging-options.ts';

const positiveInteger = z.number().int().min(1);
const exporterName = z.enum(EXPORTER_NAMES);
const detectorName = z.enum(RESOURCE_DETECTOR_NAMES);
const attributeValue = z.union([z.string(), z.number(), z.boolean()]);

/**
 * The shape shared by `createLogging()` options and config files. Code-only options (an
 * exporter instance, a MeterProvider, functions) are checked separately in `resolve-options.ts`.
 */
export const optionsSchema = z.strictObject({
  serviceName: z.string().min(1).optional(),
  resourceAttributes: z.record(z.string(), attributeValue).optional(),
  level: z.enum(SEVERITY_NAMES).optional(),
  resourceDetectors: z.union([detectorName, z.array(detectorName).min(1).readonly()]).optional(),
  exporter: z.union([exporterName, z.array(exporterName).min(1).readonly()]).optional(),
  otlp: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }).optional(),
      protocol: z.enum(['http/protobuf', 'http/json', 'grpc']).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      timeoutMillis: z.number().int().min(0).optional(),
      compression: z.enum(['gzip', 'none']).optional(),
      certificateFile: z.string().min(1).optional(),
      clientKeyFile: z.string().min(1).optional(),
      clientCertificateFile: z.string().min(1).optional(),
    })
    .optional(),
  file: z
    .strictObject({
      path: z.string().min(1).optional(),
      maxBytes: z.number().int().min(1024).optional(),
      maxFiles: z.number().int().min(0).max(1000).optional(),
    })
    .optional(),
  batch: z
    .strictObject({
      maxQueueSize: positiveInteger.optional(),
      maxExportBatchSize: positiveInteger.optional(),
      scheduledDelayMillis: z.number().int().min(0).optional(),
      exportTimeoutMillis: positiveInteger.optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      attributeCountLimit: z.number().int().min(0).optional(),
      attributeValueLengthLimit: positiveInteger.optional(),
      maxDepth: z.number().int().min(1).max(64).optional(),
      maxCollectionEntries: positiveInteger.optional(),
      maxTotalValues: positiveInteger.optional(),
      maxTotalChars: positiveInteger.optional(),
      maxBodyBytes: z.number().int().min(64).optional(),
    })
    .optional(),
  requestId: z
    .strictObject({
      header: z
        .string()
        .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name')
        .optional(),
      maxLength: z.number().int().min(8).max(1024).optional(),
    })
    .optional(),
  sampling: samplingSchema.optional(),
  samplingSeed: z.string().min(1).optional(),
  redaction: redactionSchema.optional(),
  delivery: deliverySchema.optional(),
  signals: z.strictObject({ secret: z.string().min(32).optional() }).optional(),
  handleSignals: z.boolean().optional(),
  registerGlobal: z.boolean().optional(),
  captureConsole: z.boolean().optional(),
  shutdownTimeoutMillis: z.number().int().min(0).max(600_000).optional(),
  diagnosticIntervalMillis: z.number().int().min(0).optional(),
});

export type SerializableOptions = z.infer<typeof optionsSchema>;
