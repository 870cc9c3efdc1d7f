import { Routes } from '@angular/router';

import { APP_FR } from './core/i18n/app.fr';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'analyser' },
  {
    path: 'analyser',
    title: APP_FR.titles.analyse,
    loadComponent: () => import('./features/analyse/analyse-page').then((m) => m.AnalysePage),
  },
  { path: 'lot', title: APP_FR.titles.batch, loadComponent: () => import('./features/batch/batch-page').then((m) => m.BatchPage) },
  {
    path: 'lot/:jobId',
    title: APP_FR.titles.batch,
    loadComponent: () => import('./features/batch/batch-page').then((m) => m.BatchPage),
  },
  { path: 'lots', title: APP_FR.titles.jobs, loadComponent: () => import('./features/jobs/jobs-page').then((m) => m.JobsPage) },
  {
    path: 'historique',
    title: APP_FR.titles.history,
    loadComponent: () => import('./features/history/history-page').then((m) => m.HistoryPage),
  },
  {
    path: 'modeles',
    title: APP_FR.titles.models,
    loadComponent: () => import('./features/models/models-page').then((m) => m.ModelsPage),
  },
  { path: 'sante', title: APP_FR.titles.health, loadComponent: () => import('./features/health/health-page').then((m) => m.HealthPage) },
  { path: '**', redirectTo: 'analyser' },
];
