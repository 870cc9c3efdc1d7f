import { DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { PredictionResult } from '@allocine/contracts';
import { catchError, map, of } from 'rxjs';

import { UiError, toUiError } from '../../core/api-error';
import { ANALYSE_FR } from '../../core/i18n/analyse.fr';
import { PredictionsApi } from '../../core/predictions.api';
import { CorrectPrediction } from '../../shared/correct-prediction';
import { EXAMPLES } from './examples';
import { segments, strongest } from './highlight';

/** Until the API says otherwise (GET /api/v1/model reports the configured limit). */
const DEFAULT_MAX_CHARS = 5000;

@Component({
  selector: 'app-analyse-page',
  imports: [FormsModule, MatButtonModule, MatCardModule, MatChipsModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, PercentPipe, DecimalPipe, CorrectPrediction],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './analyse-page.html',
  styleUrl: './analyse-page.scss',
})
export class AnalysePage {
  private readonly api = inject(PredictionsApi);

  protected readonly t = ANALYSE_FR;
  protected readonly examples = EXAMPLES;
  protected readonly maxChars = toSignal(
    this.api.model().pipe(
      map((info) => info.limits.maxTextChars),
      catchError(() => of(DEFAULT_MAX_CHARS)),
    ),
    { initialValue: DEFAULT_MAX_CHARS },
  );
  protected readonly text = signal('');
  protected readonly loading = signal(false);
  protected readonly result = signal<PredictionResult | null>(null);
  protected readonly error = signal<UiError | null>(null);
  /** The result's explanation, ready to draw: the review in runs, and the strongest words each way. */
  protected readonly explained = computed(() => {
    const result = this.result();
    const words = result?.explanation?.words;
    if (!result?.explanation || !words?.length) return null;
    return {
      runs: segments(this.analysedText(), words),
      positive: strongest(words, 'positive'),
      negative: strongest(words, 'negative'),
      method: ANALYSE_FR.methods[result.explanation.method] ?? result.explanation.method,
    };
  });
  private readonly analysedText = signal('');

  protected readonly length = computed(() => this.text().trim().length);
  protected readonly tooLong = computed(() => this.text().length > this.maxChars());
  protected readonly canSubmit = computed(() => this.length() > 0 && !this.tooLong() && !this.loading());

  protected useExample(example: string): void {
    this.text.set(example);
    this.result.set(null);
    this.error.set(null);
  }

  protected onKeydown(event: KeyboardEvent): void {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      this.analyse();
    }
  }

  protected analyse(): void {
    if (!this.canSubmit()) return;
    const text = this.text().trim();
    this.analysedText.set(text);
    this.loading.set(true);
    this.error.set(null);
    this.api.predict(text).subscribe({
      next: (result) => {
        this.result.set(result);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.error.set(toUiError(error));
        this.result.set(null);
        this.loading.set(false);
      },
    });
  }
}
