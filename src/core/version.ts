/**
 * logweave's version and the OTLP exporter packages' version it pins, for the User-Agent of its
 * exports. Constants rather than a read of package.json, so they are right from `src/`, from
 * `dist/` (ESM and CJS) and from a bundle; `test/unit/user-agent.test.ts` holds them to package.json.
 */
export const LOGWEAVE_VERSION = '0.1.0';
/** The pinned `@opentelemetry/otlp-exporter-base` / `otlp-transformer` version. */
export const OTLP_EXPORTER_VERSION = '0.301.0';

/**
 * `logweave/0.1.0 OTel-OTLP-Exporter-JavaScript/0.301.0`: the product first, then the token the
 * official JS exporters send (their transports prepend a custom user agent the same way), as the
 * OTLP spec asks exporters to identify themselves.
 */
export const USER_AGENT = `logweave/${LOGWEAVE_VERSION} OTel-OTLP-Exporter-JavaScript/${OTLP_EXPORTER_VERSION}`;
