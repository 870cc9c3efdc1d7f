import { DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { MatSliderModule } from '@angular/material/slider';
import { MatSortModule, Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import type { JobResultRow } from '@allocine/contracts';

import { BATCH_FR } from '../../core/i18n/batch.fr';
import { CorrectPrediction } from '../../shared/correct-prediction';

type Filter = 'all' | 'positive' | 'negative' | 'error';

/** Filterable, sortable, paginated table of a job's results (all rows are in memory: at most 10,000). */
@Component({
  selector: 'app-job-results',
  imports: [DecimalPipe, PercentPipe, CorrectPrediction, MatFormFieldModule, MatPaginatorModule, MatSelectModule, MatSliderModule, MatSortModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="row filters">
      <mat-form-field appearance="outline">
        <mat-label>{{ t.sentiment }}</mat-label>
        <mat-select data-testid="filter-sentiment" [value]="filter()" (valueChange)="setFilter($event)">
          <mat-option value="all">{{ t.all }}</mat-option>
          <mat-option value="positive">{{ t.positiveRows }}</mat-option>
          <mat-option value="negative">{{ t.negativeRows }}</mat-option>
          <mat-option value="error">{{ t.errorRows }}</mat-option>
        </mat-select>
      </mat-form-field>
      <label class="slider">
        {{ t.minConfidence }} : {{ minConfidence() }} %
        <mat-slider min="50" max="100" step="5" discrete>
          <input matSliderThumb [value]="minConfidence()" (valueChange)="setMinConfidence($event)" [attr.aria-label]="t.minConfidence" />
        </mat-slider>
      </label>
      <span class="muted" data-testid="shown-count">{{ filtered().length | number }} {{ t.lines }}</span>
    </div>

    <table mat-table [dataSource]="page()" matSort (matSortChange)="sort.set($event)" class="results" data-testid="results-table">
      <ng-container matColumnDef="id">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>{{ t.id }}</th>
        <td mat-cell *matCellDef="let r">{{ r.id }}</td>
      </ng-container>
      <ng-container matColumnDef="text">
        <th mat-header-cell *matHeaderCellDef>{{ t.review }}</th>
        <td mat-cell *matCellDef="let r" class="text" [title]="r.text">{{ r.text }}</td>
      </ng-container>
      <ng-container matColumnDef="label">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>{{ t.sentiment }}</th>
        <td mat-cell *matCellDef="let r" [class.positive]="r.label === 'positive'" [class.negative]="r.label === 'negative'">
          {{ r.status === 'error' ? t.error + r.error?.code : r.status === 'pending' ? t.pending : r.label === 'positive' ? t.positive : t.negative }}
          {{ r.uncertain ? t.uncertain : '' }}
        </td>
      </ng-container>
      <ng-container matColumnDef="score">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>{{ t.confidence }}</th>
        <td mat-cell *matCellDef="let r">{{ r.score === undefined ? t.none : (r.score | percent: '1.0-1') }}</td>
      </ng-container>
      <ng-container matColumnDef="correct">
        <th mat-header-cell *matHeaderCellDef>{{ t.correction }}</th>
        <td mat-cell *matCellDef="let r">
          @if (r.predictionId && r.label) {
            <app-correct-prediction [predictionId]="r.predictionId" [label]="r.label" [text]="r.text.slice(0, 60)" />
          }
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns"></tr>
      <tr mat-row *matRowDef="let row; columns: columns"></tr>
    </table>
    <mat-paginator [length]="filtered().length" [pageIndex]="pageIndex()" [pageSize]="pageSize()" [pageSizeOptions]="[10, 25, 100]" (page)="onPage($event)" [attr.aria-label]="t.pages" />
  `,
  styles: `
    .filters { margin-bottom: 8px; }
    .slider { display: flex; flex-direction: column; min-width: 220px; font-size: 0.9rem; }
    .results { width: 100%; }
    .text { max-width: 520px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  `,
})
export class JobResults {
  readonly rows = input.required<JobResultRow[]>();

  protected readonly t = BATCH_FR;
  protected readonly columns = ['id', 'text', 'label', 'score', 'correct'];
  protected readonly filter = signal<Filter>('all');
  protected readonly minConfidence = signal(50);
  protected readonly sort = signal<Sort>({ active: '', direction: '' });
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(10);

  protected readonly filtered = computed(() => {
    const filter = this.filter();
    const min = this.minConfidence() / 100;
    const rows = this.rows().filter((r) => {
      if (filter === 'error') return r.status === 'error';
      if (filter !== 'all' && r.label !== filter) return false;
      return min <= 0.5 || (r.score ?? 0) >= min;
    });
    const { active, direction } = this.sort();
    if (!active || !direction) return rows;
    const sign = direction === 'asc' ? 1 : -1;
    const key = active as keyof JobResultRow;
    return [...rows].sort((a, b) => sign * compare(a[key], b[key]));
  });

  protected readonly page = computed(() => {
    const start = this.pageIndex() * this.pageSize();
    return this.filtered().slice(start, start + this.pageSize());
  });

  protected setFilter(value: Filter): void {
    this.filter.set(value);
    this.pageIndex.set(0);
  }

  protected setMinConfidence(value: number): void {
    this.minConfidence.set(value);
    this.pageIndex.set(0);
  }

  protected onPage(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
    this.pageSize.set(event.pageSize);
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''), 'fr', { numeric: true });
}
