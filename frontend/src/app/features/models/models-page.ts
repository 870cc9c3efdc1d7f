import { DatePipe, DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import type { ModelEvent, ModelVersion, ModelVersionList, ShadowReport } from '@allocine/contracts';
import { Observable, catchError, forkJoin, of, switchMap, timer } from 'rxjs';

import { UiError, toUiError } from '../../core/api-error';
import { datasetNameFr, familyFr } from '../../core/i18n/health.fr';
import { MODELS_FR, MODEL_ACTION_FR, VERSION_METHOD_FR, VERSION_STATUS_FR, confidenceBinFr } from '../../core/i18n/models.fr';
import { ModelsApi } from '../../core/models.api';

const REFRESH_MS = 5_000;

/** Registered versions, the shadow run's report and the audit log; admin keys shadow, promote and roll back. */
@Component({
  selector: 'app-models-page',
  imports: [DatePipe, DecimalPipe, PercentPipe, FormsModule, MatButtonModule, MatCardModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './models-page.html',
  styles: `
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 6px 12px 6px 0; vertical-align: top; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .badge { display: inline-block; padding: 2px 8px; border-radius: 12px; background: var(--mat-sys-surface-container-high); white-space: nowrap; }
    .badge.live { background: var(--mat-sys-primary-container); color: var(--mat-sys-on-primary-container); font-weight: 600; }
    .badge.shadow { background: var(--app-uncertain-container); }
    .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .actions input { width: 4.5em; }
    .fingerprint { font-family: monospace; overflow-wrap: anywhere; }
    .cards { display: grid; gap: 16px; margin: 16px 0; }
    .histogram td.bar { width: 50%; }
    .histogram .fill { height: 10px; background: var(--mat-sys-primary); border-radius: 2px; }
    .histogram .fill.shadow { background: var(--mat-sys-tertiary); }
    dl { display: grid; grid-template-columns: fit-content(50%) 1fr; gap: 4px 12px; }
    dt { color: var(--mat-sys-on-surface-variant); }
    dd { margin: 0; }
    .subtitle { font-size: 1rem; font-weight: 600; margin: 16px 0 4px; }
  `,
})
export class ModelsPage {
  private readonly api = inject(ModelsApi);
  protected readonly t = MODELS_FR;
  protected readonly statusName = VERSION_STATUS_FR;
  protected readonly methodName = VERSION_METHOD_FR;
  protected readonly actionName = MODEL_ACTION_FR;
  protected readonly dataset = datasetNameFr;
  protected readonly family = familyFr;
  protected readonly binName = confidenceBinFr;

  protected readonly list = signal<ModelVersionList | null>(null);
  protected readonly report = signal<ShadowReport | null>(null);
  protected readonly events = signal<ModelEvent[]>([]);
  protected readonly loadError = signal<UiError | null>(null);
  protected readonly actionError = signal<UiError | null>(null);
  protected readonly done = signal('');
  protected readonly busy = signal(false);
  /** The share of traffic each version would be shadowed on, as typed in its row. */
  protected readonly percents: Record<string, number> = {};

  protected readonly bins = computed(() => {
    const report = this.report();
    if (!report) return [];
    const most = Math.max(1, ...report.confidence.live, ...report.confidence.shadow);
    return report.confidence.live.map((live, bin) => ({ bin, live, shadow: report.confidence.shadow[bin], liveShare: live / most, shadowShare: report.confidence.shadow[bin] / most }));
  });

  constructor() {
    timer(0, REFRESH_MS)
      .pipe(
        switchMap(() => this.load()),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe();
  }

  protected percentOf(version: string): number {
    return (this.percents[version] ??= 10);
  }

  protected origin(version: ModelVersion): string {
    const method = this.methodName[version.method];
    return version.base ? `${method}, ${this.t.from} ${version.base.version}` : method;
  }

  protected actor(owner: string): string {
    return owner === 'anonymous' ? this.t.anonymous : owner;
  }

  protected lossPoints(metric: ModelVersion['metrics'][number]): string | null {
    if (metric.baseAccuracy === null) return null;
    const points = (metric.accuracy - metric.baseAccuracy) * 100;
    return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1).replace('.', ',')}`;
  }

  protected shadow(version: string): void {
    const percent = Math.round(Number(this.percents[version] ?? 10));
    this.run(this.api.shadow(version, percent), this.t.done.shadow(version, percent));
  }

  protected stopShadow(): void {
    this.run(this.api.stopShadow(), this.t.done.stopShadow);
  }

  protected promote(version: string): void {
    if (!window.confirm(this.t.confirmPromote(version))) return;
    this.run(this.api.promote(version), this.t.done.promote(version));
  }

  protected rollback(): void {
    const previous = this.list()?.previous;
    if (previous) this.run(this.api.rollback(), this.t.done.rollback(previous));
  }

  private run(operation: Observable<ModelVersionList>, message: string): void {
    this.busy.set(true);
    this.done.set('');
    this.actionError.set(null);
    operation.subscribe({
      next: (list) => {
        this.list.set(list);
        this.done.set(message);
        this.busy.set(false);
        this.load().subscribe();
      },
      error: (error: unknown) => {
        this.actionError.set(toUiError(error));
        this.busy.set(false);
      },
    });
  }

  private load(): Observable<unknown> {
    const orNull = <T>(source: Observable<T>) => source.pipe(catchError(() => of(null)));
    return forkJoin({
      list: this.api.list().pipe(catchError((error: unknown) => of(toUiError(error)))),
      events: orNull(this.api.events()),
    }).pipe(
      switchMap(({ list, events }) => {
        this.events.set(events?.items ?? []);
        if ('kind' in list) {
          this.loadError.set(list);
          return of(null);
        }
        this.loadError.set(null);
        this.list.set(list);
        // The report only while a version is in shadow (there is none to ask for otherwise).
        return list.shadow ? orNull(this.api.shadowReport()) : of(null);
      }),
      switchMap((report) => {
        this.report.set(report);
        return of(null);
      }),
    );
  }
}
