import type { PageTrace } from './html-page-data.ts';

/**
 * The data as a `<script type="application/json">` body: `<`, `>`, `&` and U+2028/2029 as JSON
 * escapes, so no logged text can close the element or start markup; the page's script reads
 * it with `JSON.parse` and writes every value with `textContent`, never as HTML.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Colours by severity (also in the legend). */
const STYLE = `
:root { font: 13px system-ui, sans-serif; color: #1b1f24; }
body { margin: 16px; }
h1 { font-size: 18px; margin: 0 0 8px; }
.trace { border: 1px solid #d0d7de; border-radius: 6px; margin: 12px 0; padding: 8px 12px; }
.trace.failed { border-color: #cf222e; box-shadow: 0 0 0 1px #cf222e; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #cf222e; color: #fff; margin-left: 6px; }
.lane { position: relative; height: 26px; border-top: 1px dashed #eaeef2; }
.lane-name { position: absolute; left: 0; width: 130px; top: 5px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.track { position: absolute; left: 140px; right: 8px; top: 0; bottom: 0; }
.span { position: absolute; top: 9px; height: 8px; background: #ddf4ff; border: 1px solid #54aeff; border-radius: 3px; }
.mark { position: absolute; top: 6px; width: 12px; height: 12px; margin-left: -6px; border-radius: 50%; border: 1px solid #fff; cursor: pointer; padding: 0; }
.sev-trace { background: #8c959f; } .sev-debug { background: #54aeff; } .sev-info { background: #2da44e; }
.sev-warn { background: #d4a72c; } .sev-error { background: #cf222e; } .sev-fatal { background: #8250df; }
.details { white-space: pre-wrap; font-family: ui-monospace, monospace; background: #f6f8fa; padding: 6px; margin-top: 6px; }
.axis { position: relative; height: 16px; color: #57606a; font-size: 11px; }
.tick { position: absolute; top: 0; transform: translateX(-50%); }
.legend span { margin-right: 10px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 3px; }
`;

/* The page's script: plain DOM with textContent, no network, no eval. */
const SCRIPT = `
const traces = JSON.parse(document.getElementById('logweave-data').textContent);
const root = document.getElementById('traces');
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
const render = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
for (const trace of traces) {
  const box = el('section', trace.failed ? 'trace failed' : 'trace');
  box.dataset.traceId = trace.traceId;
  const title = el('h2', '', trace.traceId === '' ? 'no trace' : 'trace ' + trace.traceId);
  if (trace.failed) title.appendChild(el('span', 'badge', 'failed'));
  box.appendChild(title);
  box.appendChild(el('div', 'meta', trace.start + ' · ' + trace.records.length + ' records · ' + trace.services.length + ' services · ' + trace.durationMillis.toFixed(1) + ' ms'));
  const scale = (offset) => (trace.durationMillis === 0 ? 0 : (offset / trace.durationMillis) * 100);
  const details = el('div', 'details', 'click a mark to see the record');
  const axis = el('div', 'axis');
  const axisTrack = el('div', 'track');
  for (let step = 0; step <= 4; step++) {
    const tick = el('span', 'tick', '+' + ((trace.durationMillis * step) / 4).toFixed(1) + ' ms');
    tick.style.left = step * 25 + '%';
    axisTrack.appendChild(tick);
  }
  axis.appendChild(axisTrack);
  box.appendChild(axis);
  for (const service of trace.services) {
    const lane = el('div', 'lane');
    lane.dataset.service = service;
    lane.appendChild(el('div', 'lane-name', service));
    const track = el('div', 'track');
    const own = trace.records.filter((record) => record.service === service);
    const spans = new Map();
    for (const record of own) {
      if (record.spanId === '') continue;
      const span = spans.get(record.spanId) ?? { from: record.offsetMillis, to: record.offsetMillis };
      span.from = Math.min(span.from, record.offsetMillis);
      span.to = Math.max(span.to, record.offsetMillis);
      spans.set(record.spanId, span);
    }
    for (const [spanId, span] of spans) {
      const bar = el('div', 'span');
      bar.title = 'span ' + spanId;
      bar.style.left = scale(span.from) + '%';
      bar.style.width = Math.max(0.5, scale(span.to) - scale(span.from)) + '%';
      track.appendChild(bar);
    }
    for (const record of own) {
      const mark = el('button', 'mark sev-' + record.severity);
      mark.type = 'button';
      mark.dataset.severity = record.severity;
      mark.dataset.keptBy = record.keptBy;
      mark.style.left = scale(record.offsetMillis) + '%';
      mark.title = record.severity.toUpperCase() + ' ' + record.module + ': ' + render(record.body) + ' [' + record.keptBy + ']';
      mark.addEventListener('click', () => {
        details.textContent = [
          record.time + '  +' + record.offsetMillis.toFixed(1) + ' ms  ' + record.severity.toUpperCase(),
          'service ' + record.service + '  module ' + record.module + '  kept: ' + record.keptBy,
          'span ' + (record.spanId || '-') + '  request ' + (record.requestId || '-'),
          render(record.body),
          JSON.stringify(record.attributes, null, 2),
        ].join('\\n');
      });
      track.appendChild(mark);
    }
    lane.appendChild(track);
    box.appendChild(lane);
  }
  box.appendChild(details);
  root.appendChild(box);
}
document.getElementById('summary').textContent = traces.length + ' traces, ' + traces.filter((trace) => trace.failed).length + ' failed';
`;

/**
 * One self-contained HTML page (no network access: a Content-Security-Policy allows nothing but
 * the inline style and script) showing each trace as lanes of services on a time axis: spans as
 * bars where records carry span ids, records as marks coloured by severity, with their attributes
 * and why they were kept on click, failed traces (an ERROR or FATAL record) outlined and first.
 */
export function renderHtmlPage(traces: readonly PageTrace[], title: string): string {
  const ordered = [...traces].sort((left, right) => Number(right.failed) - Number(left.failed));
  const escapedTitle = title.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapedTitle}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapedTitle}</h1>
<p id="summary"></p>
<p class="legend">${['trace', 'debug', 'info', 'warn', 'error', 'fatal']
    .map((severity) => `<span><i class="sev-${severity}"></i>${severity}</span>`)
    .join('')}</p>
<main id="traces"></main>
<script type="application/json" id="logweave-data">${embedJson(ordered)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
