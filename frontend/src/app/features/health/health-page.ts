import { DecimalPipe, KeyValuePipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import type { ComponentHealth, HealthReport, ModelInfo } from '@allocine/contracts';
import { catchError, of, switchMap, timer } from 'rxjs';

import { UiError, toUiError } from '../../core/api-error';
import { HealthApi } from '../../core/health.api';
import { PredictionsApi } from '../../core/predictions.api';
import { DetailLine, detailLines } from './health-details';

const REFRESH_MS = 5_000;
const NAMES: Partial<Record<string, string>> = {
  redis: 'Redis (file de travail)',
  modelServer: 'Serveur de modèle (TorchServe)',
  workers: 'Workers',
  queue: 'File d’attente',
  history: 'Historique (PostgreSQL)',
  stream: 'Flux Kafka',
};

/** Each component's state from /health/ready, refreshed every 5 s, plus the served model. */
@Component({
  selector: 'app-health-page',
  imports: [DecimalPipe, KeyValuePipe, PercentPipe, MatCardModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './health-page.html',
  styles: `
    .components { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px; }
    .component { padding: 12px 16px; border-radius: 10px; border: 1px solid var(--mat-sys-outline-variant); }
    .component.up { border-left: 6px solid var(--app-positive); }
    .component.down { border-left: 6px solid var(--app-negative); }
    dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 8px 0 0; font-size: 0.9rem; }
    dt { color: var(--mat-sys-on-surface-variant); }
    dd { margin: 0; overflow-wrap: anywhere; }
  `,
})
export class HealthPage {
  private readonly health = inject(HealthApi);
  private readonly predictions = inject(PredictionsApi);

  protected readonly names = NAMES;
  protected readonly report = signal<HealthReport | null>(null);
  protected readonly apiError = signal<UiError | null>(null);
  protected readonly model = signal<ModelInfo | null>(null);
  protected readonly checkedAt = signal<Date | null>(null);
  protected readonly allUp = computed(() => this.report()?.status === 'ok');

  constructor() {
    timer(0, REFRESH_MS)
      .pipe(
        switchMap(() => this.health.ready().pipe(catchError((error: unknown) => of(toUiError(error))))),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((answer) => {
        this.checkedAt.set(new Date());
        if ('kind' in answer) {
          this.apiError.set(answer);
          this.report.set(null);
        } else {
          this.apiError.set(null);
          this.report.set(answer);
          if (answer.status === 'ok' && !this.model()) this.loadModel();
        }
      });
  }

  protected details(component: ComponentHealth): DetailLine[] {
    return detailLines(component);
  }

  private loadModel(): void {
    this.predictions.model().subscribe({ next: (info) => this.model.set(info), error: () => this.model.set(null) });
  }
}
