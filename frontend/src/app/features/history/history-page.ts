import { DatePipe, DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { ChartConfiguration } from 'chart.js';
import { BaseChartDirective } from 'ng2-charts';

import { downloadText } from '../../core/download';
import { HistoryStore } from '../../core/history.store';

/** The analyses made in this browser: filters, charts, averages, JSON export. */
@Component({
  selector: 'app-history-page',
  imports: [DatePipe, DecimalPipe, PercentPipe, FormsModule, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, MatSelectModule, BaseChartDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './history-page.html',
  styles: `
    .stats { display: flex; flex-wrap: wrap; gap: 24px; }
    .stat strong { display: block; font-size: 1.6rem; }
    figure { margin: 0; height: 260px; }
    ul.entries { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
    ul.entries li { padding: 8px 12px; border-radius: 8px; background: var(--mat-sys-surface-container); }
  `,
})
export class HistoryPage {
  protected readonly history = inject(HistoryStore);
  protected readonly sentiment = signal<'all' | 'positive' | 'negative'>('all');
  protected readonly search = signal('');

  protected readonly filtered = computed(() => {
    const sentiment = this.sentiment();
    const search = this.search().trim().toLowerCase();
    return this.history
      .entries()
      .filter((e) => (sentiment === 'all' || e.label === sentiment) && (!search || e.text.toLowerCase().includes(search)));
  });

  protected readonly perHour = computed<ChartConfiguration<'bar'>['data']>(() => {
    const counts = new Map<string, number>();
    for (const entry of [...this.filtered()].reverse()) {
      const hour = new Date(entry.at);
      hour.setMinutes(0, 0, 0);
      const key = hour.toLocaleString('fr-FR', { day: '2-digit', month: '2-digit', hour: '2-digit' }) + ' h';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { labels: [...counts.keys()], datasets: [{ data: [...counts.values()], label: 'Analyses', backgroundColor: '#5b6cc4' }] };
  });

  protected readonly split = computed<ChartConfiguration<'doughnut'>['data']>(() => {
    const positive = this.filtered().filter((e) => e.label === 'positive').length;
    return {
      labels: ['Positif', 'Négatif'],
      datasets: [{ data: [positive, this.filtered().length - positive], backgroundColor: ['#1b7f3b', '#b3261e'] }],
    };
  });

  protected readonly chartOptions = { maintainAspectRatio: false, animation: false as const };

  protected exportJson(): void {
    downloadText('historique-allocine-sentiment.json', this.history.toJson(this.filtered()), 'application/json');
  }

  protected clear(): void {
    if (confirm("Effacer tout l'historique de ce navigateur ?")) this.history.clear();
  }
}
