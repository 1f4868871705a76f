/** A row of a scenario's table: one contender and its median. */
export interface ResultRow {
  name: string;
  /** Formatted median, e.g. `1.92 µs/log` or `18,230 req/s`. */
  value: string;
  /** Relative interquartile range across rounds, e.g. `±3.1 %`. */
  spread?: string;
  /** Ratio against the row the scenario compares with, e.g. `1.14× raw OTel`. */
  ratio?: string;
  note?: string;
}

/** A goal from the issues, checked against this run's numbers. */
export interface GoalCheck {
  goal: string;
  measured: string;
  /** `undefined` when the figure could not be measured in this run (the reason is in `measured`). */
  met: boolean | undefined;
}

/** What one scenario contributes to the report. */
export interface ScenarioReport {
  title: string;
  /** How it was measured, in one or two sentences. */
  method: string;
  rows: ResultRow[];
  goals: GoalCheck[];
  /** Extra markdown appended verbatim (e.g. the outage script's own table). */
  appendix?: string;
  /** Set when the scenario could not run at all (e.g. its feature has not landed yet). */
  unavailable?: string;
}

export function formatNanoseconds(ns: number): string {
  if (ns >= 1_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
  if (ns >= 1000) return `${(ns / 1000).toFixed(2)} µs`;
  return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
}

export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatSpread(percent: number): string {
  return `±${(percent / 2).toFixed(1)} %`;
}

export function formatRatio(ratio: number, against: string): string {
  return `${ratio.toFixed(2)}× ${against}`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** Renders one scenario as a markdown section. */
export function renderScenario(report: ScenarioReport): string {
  const lines = [`### ${report.title}`, '', report.method, ''];
  if (report.unavailable !== undefined) {
    lines.push(`**Not available yet:** ${report.unavailable}`, '');
  }
  if (report.rows.length > 0) {
    lines.push('| case | median | spread (IQR/2) | ratio | note |', '|---|---:|---:|---:|---|');
    for (const row of report.rows) {
      lines.push(
        `| ${escapeCell(row.name)} | ${row.value} | ${row.spread ?? ''} | ${row.ratio ?? ''} | ${escapeCell(row.note ?? '')} |`,
      );
    }
    lines.push('');
  }
  if (report.appendix !== undefined) lines.push(report.appendix.trim(), '');
  return lines.join('\n');
}

/** The summary table of every goal in the run. */
export function renderGoals(reports: readonly ScenarioReport[]): string {
  const lines = ['| goal | measured | met |', '|---|---|:-:|'];
  for (const report of reports) {
    for (const goal of report.goals) {
      const verdict = goal.met === undefined ? 'n/a' : goal.met ? 'yes' : '**no**';
      lines.push(`| ${escapeCell(goal.goal)} | ${escapeCell(goal.measured)} | ${verdict} |`);
    }
  }
  return lines.join('\n');
}
