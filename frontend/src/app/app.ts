import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import { APP_FR } from './core/i18n/app.fr';
import { ThemeService } from './core/theme';


@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MatToolbarModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <a class="skip" href="#main">{{ t.skip }}</a>
    <mat-toolbar class="bar" role="banner">
      <a class="brand" routerLink="/analyser" [attr.aria-label]="t.home"><img src="favicon.svg" alt="" width="24" height="24" /> Allociné Sentiment</a>
      <nav class="nav" [attr.aria-label]="t.navigation">
        @for (link of links; track link.path) {
          <a mat-button [routerLink]="link.path" routerLinkActive="active" ariaCurrentWhenActive="page">{{ link.label }}</a>
        }
      </nav>
      <span class="spacer"></span>
      <button mat-stroked-button type="button" data-testid="theme-toggle" (click)="theme.cycle()" [attr.aria-label]="themeLabels[theme.choice()] + t.change">
        {{ themeLabels[theme.choice()] }}
      </button>
    </mat-toolbar>
    <main id="main" tabindex="-1"><router-outlet /></main>
  `,
  styles: `
    .bar { position: sticky; top: 0; z-index: 2; gap: 16px; flex-wrap: wrap; height: auto; min-height: 64px; background: var(--mat-sys-surface-container); }
    .brand { display: inline-flex; align-items: center; gap: 8px; font-weight: 700; text-decoration: none; color: var(--mat-sys-on-surface); font-size: 1.1rem; }
    .nav { display: flex; flex-wrap: wrap; gap: 4px; }
    .nav a.active { background: var(--mat-sys-secondary-container); }
    .skip { position: absolute; left: -999px; }
    .skip:focus { left: 8px; top: 8px; z-index: 3; background: var(--mat-sys-surface); color: var(--mat-sys-on-surface); padding: 8px; }
    main:focus { outline: none; }
  `,
})
export class App {
  protected readonly theme = inject(ThemeService);
  protected readonly t = APP_FR;
  protected readonly themeLabels = APP_FR.theme;
  protected readonly links = APP_FR.links;
}
