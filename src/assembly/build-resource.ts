import { containerDetector } from '@opentelemetry/resource-detector-container';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
  type ResourceDetector,
} from '@opentelemetry/resources';
import type { ResourceDetectorName } from '../config/logging-options.ts';
import type { ResolvedOptions } from '../config/resolve-options.ts';

/** The OTel packages' own detectors, by their `OTEL_NODE_RESOURCE_DETECTORS` names. */
const DETECTORS: Partial<Record<ResourceDetectorName, ResourceDetector>> = {
  host: hostDetector,
  os: osDetector,
  process: processDetector,
  serviceinstance: serviceInstanceIdDetector,
  container: containerDetector,
};

/**
 * The process's resource, built once per `createLogging()`: the SDK's defaults (`telemetry.sdk.*`),
 * then what the detectors find (host, os, process, `service.instance.id`, the container id where
 * a cgroup shows one), then `resourceAttributes` (code over file over `OTEL_RESOURCE_ATTRIBUTES`),
 * then `service.name`. The env attributes are logweave's own reading of `OTEL_RESOURCE_ATTRIBUTES`
 * and `OTEL_SERVICE_NAME` (it honours `options.env`); `test/unit/resource-detection.test.ts`
 * holds it to the SDK's `envDetector`. Detectors that read files (host id, container id) finish
 * asynchronously; the batch processor waits for them before the first export.
 *
 * Hand it to a NodeSDK in the same process (`new NodeSDK({ resource: logging.resource,
 * autoDetectResources: false })`) so that every record and span carries this one resource.
 */
export function buildResource(resolved: ResolvedOptions): Resource {
  const detectors = resolved.resourceDetectors
    .map((name) => DETECTORS[name])
    .filter((detector): detector is ResourceDetector => detector !== undefined);
  return defaultResource()
    .merge(detectResources({ detectors }))
    .merge(resourceFromAttributes({ ...resolved.resourceAttributes, 'service.name': resolved.serviceName }));
}
