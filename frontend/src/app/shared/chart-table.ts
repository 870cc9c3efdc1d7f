import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ChartData } from 'chart.js';

import { CHARTS_FR } from '../core/i18n/charts.fr';

/**
 * A chart's data as a table, the chart's text alternative: one row per label, one column per series.
 * Folded under the chart; screen readers and keyboard users open it like any disclosure.
 */
@Component({
  selector: 'app-chart-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <details>
      <summary>{{ t.dataOf(caption()) }}</summary>
      <table>
        <caption class="visually-hidden">{{ caption() }}</caption>
        <thead>
          <tr><th scope="col">{{ labelHeader() }}</th>@for (name of series(); track $index) { <th scope="col">{{ name }}</th> }</tr>
        </thead>
        <tbody>
          @for (row of rows(); track $index) {
            <tr><th scope="row">{{ row.label }}</th>@for (value of row.values; track $index) { <td>{{ value }}</td> }</tr>
          }
        </tbody>
      </table>
    </details>
  `,
  styles: `
    details { margin-top: 8px; font-size: 0.9rem; }
    table { border-collapse: collapse; margin-top: 4px; }
    th, td { padding: 2px 10px; text-align: left; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    td { text-align: right; font-variant-numeric: tabular-nums; }
  `,
})
export class ChartTable {
  readonly data = input.required<ChartData>();
  readonly caption = input.required<string>();
  readonly labelHeader = input<string>(CHARTS_FR.category);
  protected readonly t = CHARTS_FR;

  protected readonly series = computed(() => this.data().datasets.map((d) => d.label || CHARTS_FR.count));
  protected readonly rows = computed(() =>
    (this.data().labels ?? []).map((label, index) => ({
      label: String(label),
      values: this.data().datasets.map((d) => String(d.data[index] ?? '')),
    })),
  );
}
