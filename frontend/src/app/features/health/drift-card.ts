import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import type { DriftReport } from '@allocine/contracts';

import { DRIFT_FEATURES_FR, HEALTH_PAGE_FR, datasetNameFr, driftVerdictFr } from '../../core/i18n/health.fr';

/** Whether today's reviews still look like the data the model was measured on: each feature's index, in words. */
@Component({
  selector: 'app-drift-card',
  imports: [DatePipe, DecimalPipe, MatCardModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-card appearance="outlined" data-testid="drift">
      <mat-card-header><mat-card-title>{{ t.title }}</mat-card-title></mat-card-header>
      <mat-card-content>
        @if (report(); as r) {
          @if (!r.baseline) {
            <p data-testid="drift-off">{{ t.off }} (<code>npm run model:drift-baseline</code>).</p>
          } @else {
            <p class="muted">{{ t.compared(dataset(), (r.thresholds.moderate | number: '1.2-2') ?? '', (r.thresholds.major | number: '1.2-2') ?? '') }}</p>
            @if (r.latest; as hour) {
              <table class="drift" data-testid="drift-table">
                <caption>{{ t.hour((hour.start | date: 'HH') ?? '', (hour.count | number) ?? '') }}</caption>
                <thead><tr><th scope="col">{{ t.indicator }}</th><th scope="col">{{ t.index }}</th><th scope="col">{{ t.verdict }}</th></tr></thead>
                <tbody>
                  @for (row of rows(); track row.feature) {
                    <tr [attr.data-testid]="'drift-' + row.feature">
                      <th scope="row">{{ row.name }}</th>
                      <td>{{ row.psi | number: '1.3-3' }}</td>
                      <td [class]="row.verdict.level">{{ row.verdict.text }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            } @else {
              <p data-testid="drift-too-few">{{ t.tooFew((r.thresholds.minimumCount | number) ?? '') }}</p>
            }
          }
        }
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .drift { border-collapse: collapse; margin-top: 8px; }
    .drift caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
    .drift th, .drift td { text-align: left; padding: 4px 16px 4px 0; }
    .drift th[scope='row'] { font-weight: normal; }
    .moderate { background: var(--app-uncertain-container); font-weight: 600; }
    .major { color: var(--app-negative); font-weight: 600; }
  `,
})
export class DriftCard {
  readonly report = input.required<DriftReport | null>();
  protected readonly t = HEALTH_PAGE_FR.drift;

  protected readonly dataset = computed(() => datasetNameFr(this.report()?.baseline?.dataset ?? ''));
  protected readonly rows = computed(() => {
    const report = this.report();
    const psi = report?.latest?.psi;
    if (!report || !psi) return [];
    return Object.entries(psi).map(([feature, value]) => ({
      feature,
      name: DRIFT_FEATURES_FR[feature] ?? feature,
      psi: value,
      verdict: driftVerdictFr(value, report.thresholds),
    }));
  });
}
