import { DatePipe, DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { HistoryItem, StatsResponse } from '@allocine/contracts';
import type { ChartConfiguration } from 'chart.js';
import { BaseChartDirective } from 'ng2-charts';
import { Subscription } from 'rxjs';

import { UiError, toUiError } from '../../core/api-error';
import { downloadText } from '../../core/download';
import { FeedbackApi } from '../../core/feedback.api';
import { ChartTable } from '../../shared/chart-table';
import { CorrectPrediction } from '../../shared/correct-prediction';
import { bucketLabel } from './bucket-label';
import { HistoryApi, HistoryFilter, historyToCsv } from '../../core/history.api';
import { CHARTS_FR } from '../../core/i18n/charts.fr';
import { HISTORY_FR } from '../../core/i18n/history.fr';

type Period = '24h' | '7d' | '30d';
const PERIODS: Record<Period, { hours: number; bucket: 'hour' | 'day' }> = {
  '24h': { hours: 24, bucket: 'hour' },
  '7d': { hours: 24 * 7, bucket: 'hour' },
  '30d': { hours: 24 * 30, bucket: 'day' },
};

/** What was classified, by anyone using this service's key: read from the server, the same in every browser. */
@Component({
  selector: 'app-history-page',
  imports: [DatePipe, DecimalPipe, PercentPipe, FormsModule, RouterLink, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, MatSelectModule, BaseChartDirective, ChartTable, CorrectPrediction],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './history-page.html',
  styles: `
    .stats { display: flex; flex-wrap: wrap; gap: 24px; }
    .stat strong { display: block; font-size: 1.6rem; }
    figure { margin: 0; height: 260px; }
    ul.entries { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
    ul.entries li { padding: 8px 12px; border-radius: 8px; background: var(--mat-sys-surface-container); }
  `,
})
export class HistoryPage {
  private readonly api = inject(HistoryApi);
  protected readonly correctionsUrl = inject(FeedbackApi).exportUrl();
  private readonly destroyRef = inject(DestroyRef);

  protected readonly period = signal<Period>('7d');
  protected readonly t = HISTORY_FR;
  protected readonly c = CHARTS_FR;
  protected readonly sentiment = signal<'all' | 'positive' | 'negative'>('all');
  protected readonly source = signal<'all' | 'single' | 'job' | 'stream'>('all');
  /** Applied on Enter: one request per search, not per keystroke. */
  protected readonly searchInput = signal('');
  private readonly search = signal('');

  protected readonly items = signal<HistoryItem[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly stats = signal<StatsResponse | null>(null);
  protected readonly loading = signal(false);
  protected readonly exporting = signal(false);
  protected readonly error = signal<UiError | null>(null);
  private pending?: Subscription;

  private readonly filter = computed<HistoryFilter>(() => ({
    label: this.sentiment() === 'all' ? undefined : (this.sentiment() as 'positive' | 'negative'),
    source: this.source() === 'all' ? undefined : (this.source() as 'single' | 'job' | 'stream'),
    q: this.search() || undefined,
    from: new Date(Date.now() - PERIODS[this.period()].hours * 3_600_000).toISOString(),
  }));

  protected readonly averageConfidence = computed(() => weighted(this.stats(), (b) => b.meanScore));
  protected readonly averageLatencyMs = computed(() => weighted(this.stats(), (b) => b.meanLatencyMs));

  protected readonly perBucket = computed<ChartConfiguration<'bar'>['data']>(() => {
    const stats = this.stats();
    const buckets = stats?.buckets ?? [];
    return {
      labels: buckets.map((b) => bucketLabel(b.start, stats?.bucket ?? 'hour')),
      datasets: [
        { data: buckets.map((b) => b.positive), label: HISTORY_FR.positives, backgroundColor: '#1b7f3b', stack: 'sentiment' },
        { data: buckets.map((b) => b.negative), label: HISTORY_FR.negatives, backgroundColor: '#b3261e', stack: 'sentiment' },
      ],
    };
  });

  protected readonly split = computed<ChartConfiguration<'doughnut'>['data']>(() => {
    const total = this.stats()?.total;
    return {
      labels: [CHARTS_FR.positive, CHARTS_FR.negative],
      datasets: [{ data: [total?.positive ?? 0, total?.negative ?? 0], backgroundColor: ['#1b7f3b', '#b3261e'] }],
    };
  });

  protected readonly chartOptions = { maintainAspectRatio: false, animation: false as const, scales: { x: { stacked: true }, y: { stacked: true } } };
  protected readonly doughnutOptions = { maintainAspectRatio: false, animation: false as const };

  constructor() {
    // Any filter change starts over from the newest rows; the period also changes the statistics.
    effect(() => {
      const filter = this.filter();
      untracked(() => this.load(filter));
    });
  }

  protected applySearch(): void {
    this.search.set(this.searchInput().trim());
  }

  protected more(): void {
    const cursor = this.nextCursor();
    if (!cursor || this.loading()) return;
    this.loading.set(true);
    this.api
      .page(this.filter(), cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (page) => {
          this.items.update((items) => [...items, ...page.items]);
          this.nextCursor.set(page.nextCursor);
          this.loading.set(false);
        },
        error: (error: unknown) => this.fail(error),
      });
  }

  protected export(format: 'json' | 'csv'): void {
    this.exporting.set(true);
    this.api
      .all(this.filter())
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (items) => {
          this.exporting.set(false);
          if (format === 'json') downloadText('historique-allocine-sentiment.json', JSON.stringify(items, null, 2), 'application/json');
          else downloadText('historique-allocine-sentiment.csv', historyToCsv(items), 'text/csv;charset=utf-8');
        },
        error: (error: unknown) => {
          this.exporting.set(false);
          this.fail(error);
        },
      });
  }

  private load(filter: HistoryFilter): void {
    this.pending?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    const { bucket } = PERIODS[this.period()];
    this.pending = new Subscription();
    this.pending.add(
      this.api.stats(bucket, filter.from!).subscribe({ next: (stats) => this.stats.set(stats), error: (error: unknown) => this.fail(error) }),
    );
    this.pending.add(
      this.api.page(filter).subscribe({
        next: (page) => {
          this.items.set(page.items);
          this.nextCursor.set(page.nextCursor);
          this.loading.set(false);
        },
        error: (error: unknown) => this.fail(error),
      }),
    );
  }

  private fail(error: unknown): void {
    this.error.set(toUiError(error));
    this.loading.set(false);
  }
}

/** A statistic over the period, each bucket weighted by its number of reviews. */
function weighted(stats: StatsResponse | null, value: (bucket: StatsResponse['buckets'][number]) => number | null): number | null {
  const buckets = (stats?.buckets ?? []).filter((b) => value(b) !== null && b.total > 0);
  const total = buckets.reduce((sum, b) => sum + b.total, 0);
  return total ? buckets.reduce((sum, b) => sum + (value(b) as number) * b.total, 0) / total : null;
}
