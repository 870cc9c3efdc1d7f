import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import type { JobResultRow, JobStatus } from '@allocine/contracts';
import { Subscription } from 'rxjs';

import { UiError, toUiError } from '../../core/api-error';
import { downloadText } from '../../core/download';
import { BATCH_FR, JOB_STATE_FR } from '../../core/i18n/batch.fr';
import { JobSubmission, JobsApi } from '../../core/jobs.api';
import { JobCharts } from './job-charts';
import { followJob, isActive } from './job-poller';
import { JobResults } from './job-results';
import { JobSubmit } from './job-submit';


/** Batch jobs: submit, follow progress (the job id lives in the URL, so a reload keeps it), explore results. */
@Component({
  selector: 'app-batch-page',
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatCardModule, MatProgressBarModule, JobSubmit, JobResults, JobCharts],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './batch-page.html',
})
export class BatchPage {
  private readonly api = inject(JobsApi);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private polling?: Subscription;

  /** From the route `lot/:jobId`. */
  readonly jobId = input<string>();

  protected readonly status = signal<JobStatus | null>(null);
  protected readonly rows = signal<JobResultRow[] | null>(null);
  protected readonly error = signal<UiError | null>(null);
  protected readonly submitting = signal(false);
  protected readonly stateLabels = JOB_STATE_FR;
  protected readonly t = BATCH_FR;

  protected readonly percent = computed(() => {
    const s = this.status();
    return s && s.progress.total ? Math.round((100 * s.progress.done) / s.progress.total) : 0;
  });
  protected readonly active = computed(() => {
    const s = this.status();
    return !!s && isActive(s);
  });

  constructor() {
    effect(() => {
      const id = this.jobId();
      this.follow(id);
    });
  }

  protected submit(submission: JobSubmission): void {
    this.submitting.set(true);
    this.error.set(null);
    this.api.create(submission).subscribe({
      next: (status) => {
        this.submitting.set(false);
        void this.router.navigate(['/lot', status.id]);
      },
      error: (error: unknown) => {
        this.submitting.set(false);
        this.error.set(toUiError(error));
      },
    });
  }

  protected cancel(): void {
    const id = this.jobId();
    if (!id) return;
    this.api.cancel(id).subscribe({
      next: (status) => this.status.set(status),
      error: (error: unknown) => this.error.set(toUiError(error)),
    });
  }

  protected newJob(): void {
    void this.router.navigate(['/lot']);
  }

  protected downloadJson(): void {
    downloadText(`allocine-sentiment-${this.jobId()}.json`, JSON.stringify(this.rows() ?? [], null, 2), 'application/json');
  }

  protected csvUrl(dialect: 'csv' | 'excel' = 'csv'): string {
    return this.api.csvUrl(this.jobId() ?? '', dialect);
  }

  private follow(id: string | undefined): void {
    this.polling?.unsubscribe();
    this.status.set(null);
    this.rows.set(null);
    this.error.set(null);
    if (!id) return;
    this.polling = followJob(`/api/v1/jobs/${id}/events`, () => this.api.status(id))
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (status) => {
          this.status.set(status);
          if (!isActive(status)) this.loadRows(id);
        },
        error: (error: unknown) => this.error.set(toUiError(error)),
      });
  }

  private loadRows(id: string): void {
    this.api.allRows(id).subscribe({
      next: (rows) => this.rows.set(rows),
      error: (error: unknown) => this.error.set(toUiError(error)),
    });
  }
}
