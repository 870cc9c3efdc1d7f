import { DecimalPipe, KeyValuePipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import type { ComponentHealth, DriftReport, HealthReport, ModelInfo } from '@allocine/contracts';
import { catchError, of, switchMap, timer } from 'rxjs';

import { UiError, toUiError } from '../../core/api-error';
import { HealthApi } from '../../core/health.api';
import { COMPONENT_NAMES_FR, HEALTH_PAGE_FR, LABEL_NAMES_FR, datasetNameFr, deviceFr, familyFr, runtimeFr } from '../../core/i18n/health.fr';
import { PredictionsApi } from '../../core/predictions.api';
import { DriftCard } from './drift-card';
import { DetailLine, detailLines } from './health-details';

const REFRESH_MS = 5_000;
/** Each component's state from /health/ready, refreshed every 5 s, plus the served model. */
@Component({
  selector: 'app-health-page',
  imports: [DecimalPipe, KeyValuePipe, PercentPipe, MatCardModule, DriftCard],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './health-page.html',
  styles: `
    .components { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
    .component { padding: 12px 16px; border-radius: 10px; border: 1px solid var(--mat-sys-outline-variant); }
    .component.up { border-left: 6px solid var(--app-positive); }
    .component.down { border-left: 6px solid var(--app-negative); }
    dl { display: grid; grid-template-columns: fit-content(40%) 1fr; gap: 2px 12px; margin: 8px 0 0; font-size: 0.9rem; }
    dt { color: var(--mat-sys-on-surface-variant); }
    /*
     * Labels take at most 40 % of the row (they wrap between words), so a value has the rest: a model name breaks
     * at its hyphens, never mid-word (« allocine-sentimen t » came from a value column squeezed by its label);
     * only a word longer than the whole column, such as a URL, breaks inside to stay in its card.
     */
    dd { margin: 0; min-width: 0; overflow-wrap: break-word; }
  `,
})
export class HealthPage {
  private readonly health = inject(HealthApi);
  private readonly predictions = inject(PredictionsApi);

  protected readonly t = HEALTH_PAGE_FR;
  protected readonly names = COMPONENT_NAMES_FR;
  protected readonly dataset = datasetNameFr;
  protected readonly family = familyFr;
  protected readonly runtime = runtimeFr;
  protected readonly device = deviceFr;
  protected readonly labelNames = (labels: string[]) => labels.map((label) => LABEL_NAMES_FR[label] ?? label).join(', ');
  protected readonly report = signal<HealthReport | null>(null);
  protected readonly apiError = signal<UiError | null>(null);
  protected readonly model = signal<ModelInfo | null>(null);
  protected readonly checkedAt = signal<Date | null>(null);
  protected readonly drift = signal<DriftReport | null>(null);
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
          this.health.drift().subscribe({ next: (report) => this.drift.set(report), error: () => this.drift.set(null) });
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
