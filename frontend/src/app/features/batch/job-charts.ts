import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { JobResultRow } from '@allocine/contracts';
import type { ChartConfiguration } from 'chart.js';
import { BaseChartDirective } from 'ng2-charts';

import { CHARTS_FR } from '../../core/i18n/charts.fr';
import { ChartTable } from '../../shared/chart-table';

const GREEN = '#1b7f3b';
const RED = '#b3261e';

/** Donut of positive/negative and a histogram of confidence for a job's results. */
@Component({
  selector: 'app-job-charts',
  imports: [BaseChartDirective, ChartTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid-2">
      <figure>
        <figcaption>{{ t.split }}</figcaption>
        <canvas baseChart type="doughnut" [data]="split()" [options]="donutOptions" [attr.aria-label]="t.splitAria" role="img"></canvas>
        <app-chart-table [data]="split()" [caption]="t.split" [labelHeader]="t.sentiment" />
      </figure>
      <figure>
        <figcaption>{{ t.confidence }}</figcaption>
        <canvas baseChart type="bar" [data]="histogram()" [options]="barOptions" [attr.aria-label]="t.confidenceAria" role="img"></canvas>
        <app-chart-table [data]="histogram()" [caption]="t.confidence" [labelHeader]="t.confidence" />
      </figure>
    </div>
  `,
  styles: `
    figure { margin: 0; max-height: 300px; }
    figcaption { font-weight: 600; margin-bottom: 8px; }
  `,
})
export class JobCharts {
  readonly rows = input.required<JobResultRow[]>();
  protected readonly t = CHARTS_FR;

  protected readonly donutOptions: ChartConfiguration<'doughnut'>['options'] = { maintainAspectRatio: false, animation: false };
  protected readonly barOptions: ChartConfiguration<'bar'>['options'] = {
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false } },
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  };

  protected readonly split = computed<ChartConfiguration<'doughnut'>['data']>(() => {
    const done = this.rows().filter((r) => r.status === 'done');
    const positive = done.filter((r) => r.label === 'positive').length;
    return {
      labels: [CHARTS_FR.positive, CHARTS_FR.negative],
      datasets: [{ data: [positive, done.length - positive], backgroundColor: [GREEN, RED] }],
    };
  });

  protected readonly histogram = computed<ChartConfiguration<'bar'>['data']>(() => {
    const bins = [50, 60, 70, 80, 90];
    const counts = bins.map(() => 0);
    for (const row of this.rows()) {
      if (row.score === undefined) continue;
      const index = Math.min(bins.length - 1, Math.floor((row.score * 100 - 50) / 10));
      counts[Math.max(0, index)]++;
    }
    return {
      labels: bins.map((b) => `${b}–${b + 10} %`),
      datasets: [{ data: counts, backgroundColor: '#5b6cc4', label: CHARTS_FR.reviews }],
    };
  });
}
