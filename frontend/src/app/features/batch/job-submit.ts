import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { JobReviewInput } from '@allocine/contracts';

import { BATCH_FR } from '../../core/i18n/batch.fr';
import type { JobSubmission } from '../../core/jobs.api';
import { ParsedFile, guessIdColumn, guessTextColumn, linesOf, parseReviewFile, toReviews } from './review-file';

const MAX_REVIEWS = 10_000;

/** Paste reviews (one per line) or pick a CSV/TXT file and its text column; emits the reviews to submit. */
@Component({
  selector: 'app-job-submit',
  imports: [DecimalPipe, FormsModule, MatButtonModule, MatButtonToggleModule, MatCardModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-card appearance="outlined">
      <mat-card-content>
        <mat-button-toggle-group [value]="mode()" (change)="mode.set($event.value)" [attr.aria-label]="t.source">
          <mat-button-toggle value="paste">{{ t.paste }}</mat-button-toggle>
          <mat-button-toggle value="file">{{ t.file }}</mat-button-toggle>
        </mat-button-toggle-group>

        @if (mode() === 'paste') {
          <mat-form-field appearance="outline" class="full">
            <mat-label>{{ t.onePerLine }}</mat-label>
            <textarea matInput rows="8" data-testid="batch-text" [ngModel]="pasted()" (ngModelChange)="pasted.set($event)"></textarea>
            <mat-hint align="end">{{ reviews().length | number }} {{ t.countReviews }}</mat-hint>
          </mat-form-field>
        } @else {
          <div class="file row">
            <label class="picker">
              <input type="file" accept=".csv,.txt,text/csv,text/plain" data-testid="file-input" (change)="pick($event)" />
            </label>
            @if (file(); as f) {
              <span class="muted">{{ fileName() }} : {{ f.rows.length | number }} {{ t.lines }}</span>
            }
          </div>
          @if (file(); as f) {
            <div class="row">
              <mat-form-field appearance="outline">
                <mat-label>{{ t.textColumn }}</mat-label>
                <mat-select data-testid="text-column" [value]="textColumn()" (valueChange)="textColumn.set($event)">
                  @for (c of f.columns; track c) { <mat-option [value]="c">{{ c }}</mat-option> }
                </mat-select>
              </mat-form-field>
              <mat-form-field appearance="outline">
                <mat-label>{{ t.idColumn }}</mat-label>
                <mat-select [value]="idColumn()" (valueChange)="idColumn.set($event)">
                  <mat-option value="">{{ t.lineNumber }}</mat-option>
                  @for (c of f.columns; track c) { <mat-option [value]="c">{{ c }}</mat-option> }
                </mat-select>
              </mat-form-field>
            </div>
          }
        }
        @if (problem(); as p) {
          <p class="negative" role="alert">{{ p }}</p>
        }
      </mat-card-content>
      <mat-card-actions>
        <button mat-flat-button type="button" data-testid="submit-job" [disabled]="!!problem() || !reviews().length || busy()" (click)="submitted.emit(submission())">
          {{ t.submit((reviews().length | number) ?? '') }}
        </button>
      </mat-card-actions>
    </mat-card>
  `,
  styles: `
    .full { width: 100%; margin-top: 12px; }
    .file { margin: 16px 0; }
  `,
})
export class JobSubmit {
  readonly busy = input(false);
  readonly submitted = output<JobSubmission>();

  protected readonly t = BATCH_FR;
  protected readonly mode = signal<'paste' | 'file'>('paste');
  protected readonly pasted = signal('');
  protected readonly file = signal<ParsedFile | null>(null);
  protected readonly fileName = signal('');
  private readonly chosen = signal<File | null>(null);
  protected readonly textColumn = signal('');
  protected readonly idColumn = signal('');

  protected readonly reviews = computed<JobReviewInput[]>(() => {
    if (this.mode() === 'paste') return linesOf(this.pasted()).map((text, i) => ({ id: String(i + 1), text }));
    const file = this.file();
    return file && this.textColumn() ? toReviews(file, this.textColumn(), this.idColumn()) : [];
  });

  /** A CSV is sent as the file itself (multipart); pasted lines and TXT files as JSON reviews. */
  protected readonly submission = computed<JobSubmission>(() => {
    const file = this.file();
    const chosen = this.chosen();
    if (this.mode() === 'file' && file?.delimiter && chosen) {
      return { file: chosen, textColumn: this.textColumn(), idColumn: this.idColumn(), delimiter: file.delimiter };
    }
    return { reviews: this.reviews() };
  });

  protected readonly problem = computed(() => {
    const reviews = this.reviews();
    if (reviews.length > MAX_REVIEWS) return BATCH_FR.tooMany(reviews.length, MAX_REVIEWS);
    const long = reviews.findIndex((r) => r.text.length > 5000);
    if (long >= 0) return BATCH_FR.tooLong(long + 1);
    return null;
  });

  protected async pick(event: Event): Promise<void> {
    const chosen = (event.target as HTMLInputElement).files?.[0];
    if (!chosen) return;
    const parsed = parseReviewFile(chosen.name, await chosen.text());
    this.fileName.set(chosen.name);
    this.chosen.set(chosen);
    this.file.set(parsed);
    this.textColumn.set(guessTextColumn(parsed.columns));
    this.idColumn.set(guessIdColumn(parsed.columns));
  }
}
