// `logweave view --html` rendered by a real headless Chromium (Debian's package).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { requireTool } from '../../scripts/e2e/require-tool.ts';
import { runCommand } from '../../scripts/e2e/run-command.ts';
import { runCli } from '../helpers/run-cli-process.ts';

const CHROMIUM = process.env['CHROMIUM'] ?? 'chromium';
const FIXTURE = new URL('../fixtures/collector-logs.jsonl', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'logweave-html-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The page's DOM after its script ran, as Chromium serialises it (no network: the page needs none). */
async function renderedDom(file: string): Promise<string> {
  const profile = mkdtempSync(join(dir, 'profile-'));
  const result = await runCommand(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--dump-dom',
      pathToFileURL(file).href,
    ],
    { timeoutMillis: 60_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

function count(dom: string, pattern: RegExp): number {
  return [...dom.matchAll(pattern)].length;
}

describe('logweave view --html in headless Chromium', () => {
  before(async () => {
    await requireTool(
      CHROMIUM,
      ['--version'],
      "Install Debian's chromium package (apt-get install chromium), or set CHROMIUM to a Chromium binary.",
    );
  });

  test('the page renders lanes per service and one mark per record, the failed trace first', async () => {
    const result = await runCli(['view', FIXTURE.pathname, '--html']);
    assert.equal(result.status, 0, result.stderr);
    const page = join(dir, 'fixture.html');
    writeFileSync(page, result.stdout);
    const dom = await renderedDom(page);
    // The fixture: trace A (gateway, orders, payments-py; 5 records, one ERROR), trace B (2 services,
    // 2 records), one record without a trace.
    assert.equal(count(dom, /<section class="trace[^"]*"/g), 3);
    assert.equal(count(dom, /class="lane"/g), 6);
    assert.equal(count(dom, /class="mark sev-/g), 8);
    assert.equal(count(dom, /class="trace failed"/g), 1);
    assert.ok(
      dom.indexOf('class="trace failed"') < dom.indexOf('class="trace"'),
      'the failed trace comes first',
    );
    assert.match(dom, /id="summary">3 traces, 1 failed</);
    assert.match(dom, /data-kept-by="error"/);
  });

  test('hostile record content is shown as text: no markup, no script, no bidi reordering', async () => {
    const hostile =
      '</script><img src=x onerror="document.title=\'pwned\'"><b id="injected">bold</b>\u202eevil\u2028';
    const line = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc${hostile}` } }] },
          scopeLogs: [
            {
              scope: { name: `mod${hostile}` },
              logRecords: [
                {
                  timeUnixNano: '1700000000000000000',
                  severityNumber: 17,
                  severityText: 'ERROR',
                  body: { stringValue: hostile },
                  attributes: [{ key: `key${hostile}`, value: { stringValue: hostile } }],
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: '1f2e3d4c5b6a7988',
                },
              ],
            },
          ],
        },
      ],
    };
    const input = join(dir, 'hostile.jsonl');
    writeFileSync(input, `${JSON.stringify(line)}\n`);
    const result = await runCli(['view', input, '--html']);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /<img|<b id/, 'the page source never holds the markup unescaped');
    const page = join(dir, 'hostile.html');
    writeFileSync(page, result.stdout);
    const dom = await renderedDom(page);
    assert.doesNotMatch(dom, /<img|<b id="injected"/, 'no element came from the record');
    assert.match(dom, /<title>logweave view: /, 'no script from the record ran (it would rename the page)');
    assert.equal(count(dom, /<script/g), 2, 'only the page data and the page script');
    assert.equal(count(dom, /class="lane"/g), 1);
    // The service name is there as text (Chromium serialises < as &lt; in text nodes), and the
    // bidi override and line separator are shown as escapes, as the terminal view shows them.
    assert.match(dom, /class="lane-name">svc&lt;\/script&gt;&lt;img/);
    assert.ok(!dom.includes('\u202e') && !dom.includes('\u2028'), 'no raw bidi control or line separator');
    assert.match(dom, /evil\\u2028/);
  });
});
