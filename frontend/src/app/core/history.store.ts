import { Injectable, computed, signal } from '@angular/core';
import type { PredictionResult } from '@allocine/contracts';

export interface HistoryEntry {
  at: string;
  text: string;
  label: PredictionResult['label'];
  score: number;
  uncertain: boolean;
  latencyMs: number;
  model: string;
}

const KEY = 'allocine-sentiment.history.v1';
const MAX_ENTRIES = 500;

/** The user's own analyses, kept in this browser only (localStorage), newest first. */
@Injectable({ providedIn: 'root' })
export class HistoryStore {
  private readonly state = signal<HistoryEntry[]>(load());

  readonly entries = this.state.asReadonly();
  readonly count = computed(() => this.state().length);
  readonly averageConfidence = computed(() => average(this.state().map((e) => e.score)));
  readonly averageLatencyMs = computed(() => average(this.state().map((e) => e.latencyMs)));

  add(text: string, result: PredictionResult): void {
    const entry: HistoryEntry = {
      at: new Date().toISOString(),
      text,
      label: result.label,
      score: result.score,
      uncertain: result.uncertain,
      latencyMs: result.latencyMs,
      model: `${result.model} ${result.version}`,
    };
    this.save([entry, ...this.state()].slice(0, MAX_ENTRIES));
  }

  clear(): void {
    this.save([]);
  }

  toJson(entries: HistoryEntry[] = this.state()): string {
    return JSON.stringify(entries, null, 2);
  }

  private save(entries: HistoryEntry[]): void {
    this.state.set(entries);
    try {
      localStorage.setItem(KEY, JSON.stringify(entries));
    } catch {
      // Storage full or disabled: the history still works for this visit.
    }
  }
}

function load(): HistoryEntry[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

function average(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
