// The resource logweave builds, against the OTel SDK's own detectors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { detectResources, envDetector } from '@opentelemetry/resources';
import { buildResource } from '../../src/assembly/build-resource.ts';
import { resolveOptions } from '../../src/config/resolve-options.ts';
import { LOGWEAVE_VERSION, OTLP_EXPORTER_VERSION, USER_AGENT } from '../../src/core/version.ts';

const SAMPLES = [
  'service.name=checkout,service.version=1.4.2',
  'k8s.pod.name=checkout-7d9f,k8s.namespace.name=shop,deployment.environment.name=prod',
  'team=pay%20ments, owner = a%2Cb ,empty=',
  'a=1,,b=2,',
  'url=https%3A%2F%2Fexample.test%2Fx%3Fy%3D1',
];

test('differential: OTEL_RESOURCE_ATTRIBUTES read by logweave equals the SDK envDetector', async () => {
  const saved = { ...process.env };
  try {
    for (const value of SAMPLES) {
      process.env['OTEL_RESOURCE_ATTRIBUTES'] = value;
      delete process.env['OTEL_SERVICE_NAME'];
      const sdk = detectResources({ detectors: [envDetector] });
      await sdk.waitForAsyncAttributes?.();
      const ours = resolveOptions({ env: { OTEL_RESOURCE_ATTRIBUTES: value }, handleSignals: false });
      const expected = { ...sdk.attributes };
      delete expected['service.name'];
      const actual = { ...ours.resourceAttributes };
      delete actual['service.name'];
      assert.deepEqual(actual, expected, value);
      if (sdk.attributes['service.name'] !== undefined)
        assert.equal(ours.serviceName, sdk.attributes['service.name']);
    }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
});

test('the resource: SDK defaults, detected host/os/process/instance, env attributes, service.name last', async () => {
  const resolved = resolveOptions({
    env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-env,k8s.pod.name=p-1' },
    serviceName: 'from-code',
    handleSignals: false,
  });
  const resource = buildResource(resolved);
  await resource.waitForAsyncAttributes?.();
  const attributes = resource.attributes;
  assert.equal(attributes['service.name'], 'from-code');
  assert.equal(attributes['k8s.pod.name'], 'p-1');
  assert.equal(attributes['telemetry.sdk.name'], 'opentelemetry');
  assert.equal(attributes['process.pid'], process.pid);
  assert.equal(typeof attributes['host.name'], 'string');
  assert.equal(typeof attributes['os.type'], 'string');
  assert.match(String(attributes['service.instance.id']), /^[0-9a-f-]{36}$/);
  // Only where a cgroup names a container: present on this machine or not, never empty.
  assert.ok(attributes['container.id'] === undefined || String(attributes['container.id']).length > 0);
});

test('the User-Agent names logweave and the OTLP exporter packages at the versions package.json pins', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
  };
  assert.equal(LOGWEAVE_VERSION, pkg.version);
  assert.equal(OTLP_EXPORTER_VERSION, pkg.dependencies['@opentelemetry/otlp-exporter-base']);
  assert.equal(USER_AGENT, `logweave/${pkg.version} OTel-OTLP-Exporter-JavaScript/${OTLP_EXPORTER_VERSION}`);
});
