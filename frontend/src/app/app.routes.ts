import { Routes } from '@angular/router';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'analyser' },
  {
    path: 'analyser',
    title: 'Analyser — Allociné Sentiment',
    loadComponent: () => import('./features/analyse/analyse-page').then((m) => m.AnalysePage),
  },
  { path: 'lot', title: 'Lot — Allociné Sentiment', loadComponent: () => import('./features/batch/batch-page').then((m) => m.BatchPage) },
  {
    path: 'lot/:jobId',
    title: 'Lot — Allociné Sentiment',
    loadComponent: () => import('./features/batch/batch-page').then((m) => m.BatchPage),
  },
  { path: 'lots', title: 'Lots — Allociné Sentiment', loadComponent: () => import('./features/jobs/jobs-page').then((m) => m.JobsPage) },
  {
    path: 'historique',
    title: 'Historique — Allociné Sentiment',
    loadComponent: () => import('./features/history/history-page').then((m) => m.HistoryPage),
  },
  { path: 'sante', title: 'Santé — Allociné Sentiment', loadComponent: () => import('./features/health/health-page').then((m) => m.HealthPage) },
  { path: '**', redirectTo: 'analyser' },
];
