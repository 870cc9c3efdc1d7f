import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import type { JobListItem } from '@allocine/contracts';

import { UiError, toUiError } from '../../core/api-error';
import { HistoryApi } from '../../core/history.api';
import { BATCH_FR, JOB_STATE_IN_LIST_FR } from '../../core/i18n/batch.fr';


/** Past and current jobs, newest first, each linking to its results. */
@Component({
  selector: 'app-jobs-page',
  imports: [DatePipe, DecimalPipe, RouterLink, MatButtonModule, MatCardModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="page" aria-labelledby="title">
      <header>
        <h1 id="title">{{ t.listTitle }}</h1>
        <p class="lead">{{ t.listLead }}</p>
      </header>
      @if (error(); as failure) {
        <mat-card appearance="outlined" role="alert"><mat-card-content>{{ failure.message }}</mat-card-content></mat-card>
      }
      <mat-card appearance="outlined">
        <mat-card-content>
          @if (!jobs().length && !loading()) {
            <p data-testid="jobs-empty">{{ t.listEmpty }} <a routerLink="/lot">{{ t.startJob }}</a></p>
          } @else {
            <table class="jobs" data-testid="jobs-table">
              <thead><tr><th scope="col">{{ t.name }}</th><th scope="col">{{ t.createdColumn }}</th><th scope="col">{{ t.stateColumn }}</th><th scope="col">{{ t.reviewsColumn }}</th><th scope="col">{{ t.positivesColumn }}</th><th scope="col">{{ t.negativesColumn }}</th><th scope="col">{{ t.errorsColumn }}</th></tr></thead>
              <tbody>
                @for (job of jobs(); track job.id) {
                  <tr>
                    <td><a [routerLink]="['/lot', job.id]">{{ job.name ?? t.unnamed(job.id) }}</a></td>
                    <td>{{ job.createdAt | date: 'short' }}</td>
                    <td>{{ states[job.state] }}</td>
                    <td>{{ job.done | number }} / {{ job.total | number }}</td>
                    <td>{{ job.positive | number }}</td>
                    <td>{{ job.negative | number }}</td>
                    <td>{{ job.failed | number }}</td>
                  </tr>
                }
              </tbody>
            </table>
          }
          @if (nextCursor()) {
            <button mat-button type="button" (click)="load(nextCursor())" [disabled]="loading()">{{ t.more }}</button>
          }
        </mat-card-content>
      </mat-card>
    </section>
  `,
  styles: `
    table.jobs { width: 100%; border-collapse: collapse; }
    table.jobs th, table.jobs td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
  `,
})
export class JobsPage {
  private readonly api = inject(HistoryApi);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly states = JOB_STATE_IN_LIST_FR;
  protected readonly t = BATCH_FR;
  protected readonly jobs = signal<JobListItem[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<UiError | null>(null);

  constructor() {
    this.load(null);
  }

  protected load(cursor: string | null): void {
    this.loading.set(true);
    this.api
      .jobs(cursor)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (list) => {
          this.jobs.update((jobs) => (cursor ? [...jobs, ...list.items] : list.items));
          this.nextCursor.set(list.nextCursor);
          this.loading.set(false);
        },
        error: (error: unknown) => {
          this.error.set(toUiError(error));
          this.loading.set(false);
        },
      });
  }
}
