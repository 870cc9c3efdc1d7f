import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

import { FeedbackApi } from '../core/feedback.api';
import { toUiError } from '../core/api-error';
import { FEEDBACK_FR } from '../core/i18n/feedback.fr';

type Label = 'positive' | 'negative';
const SAID: Record<Label, string> = FEEDBACK_FR.said;

/**
 * « Le modèle se trompe ? » on any prediction (Analyser, Historique, a job's results): one click records what
 * the review really is, with who and which model version; a second click takes it back to the model's label.
 */
@Component({
  selector: 'app-correct-prediction',
  imports: [MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span class="correct" data-testid="correct-prediction">
      @if (corrected(); as label) {
        <span class="done" data-testid="corrected">{{ t.corrected(said[label]) }}</span>
      }
      <button mat-button type="button" data-testid="correct" [disabled]="saving()" (click)="correct()" [attr.aria-label]="action() + (text() ? ' — ' + text() : '')">
        {{ action() }}
      </button>
      <span class="status" role="status">{{ status() }}</span>
    </span>
  `,
  styles: `
    .correct { display: inline-flex; align-items: center; gap: 6px; flex-wrap: wrap; }
    .done { font-weight: 600; }
    .status { color: var(--mat-sys-on-surface-variant); font-size: 0.85rem; }
  `,
})
export class CorrectPrediction {
  private readonly feedback = inject(FeedbackApi);

  readonly predictionId = input.required<string>();
  /** What the model said. */
  readonly label = input.required<Label>();
  /** A correction already recorded (from the history), if any. */
  readonly correction = input<Label | null>(null);
  /** The review's beginning, so a screen reader knows which row's button this is. */
  readonly text = input<string>('');

  private readonly recorded = signal<Label | null | undefined>(undefined);
  /** The reviewer's label when it differs from the model's (a confirmation is recorded, not shown as a correction). */
  protected readonly corrected = computed(() => {
    const said = this.recorded() === undefined ? this.correction() : this.recorded();
    return said && said !== this.label() ? said : null;
  });
  protected readonly saving = signal(false);
  protected readonly status = signal('');
  protected readonly said = SAID;
  protected readonly t = FEEDBACK_FR;

  /** The label the click records: the other one than the current. */
  private readonly target = computed<Label>(() => {
    const current = this.corrected() ?? this.label();
    return current === 'positive' ? 'negative' : 'positive';
  });
  protected readonly action = computed(() =>
    this.corrected() ? FEEDBACK_FR.undo(SAID[this.target()]) : FEEDBACK_FR.correct(SAID[this.target()]),
  );

  protected correct(): void {
    const label = this.target();
    this.saving.set(true);
    this.status.set(FEEDBACK_FR.saving);
    this.feedback.correct(this.predictionId(), label).subscribe({
      next: () => {
        this.recorded.set(label);
        this.status.set(FEEDBACK_FR.saved);
        this.saving.set(false);
      },
      error: (error: unknown) => {
        this.status.set(toUiError(error).message);
        this.saving.set(false);
      },
    });
  }
}
