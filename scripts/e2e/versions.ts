/**
 * Pinned versions of everything the e2e suite builds or installs. Core and contrib Collector
 * components must share one v0.N.0. 0.159.0 rather than the newest (0.164.0 when pinned): the
 * module proxy this suite was developed against answered 403 "This module version is not
 * available" for some modules of 0.160.0–0.164.0 (e.g. collector/internal/statusutil).
 */
export const COLLECTOR_VERSION = '0.159.0';

/** The OpenTelemetry Python SDK and Flask for the payments service (pip requirement lines). */
export const PYTHON_REQUIREMENTS = [
  'opentelemetry-sdk==1.45.2',
  'opentelemetry-exporter-otlp-proto-http==1.45.2',
  'flask==3.1.3',
];
