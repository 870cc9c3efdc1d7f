import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { AnalysePage } from './analyse-page';

describe('AnalysePage', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      imports: [AnalysePage],
      providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting()],
    });
  });

  async function typeAndAnalyse(text: string) {
    const fixture = TestBed.createComponent(AnalysePage);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    const textarea = element.querySelector<HTMLTextAreaElement>('[data-testid="review-input"]')!;
    textarea.value = text;
    textarea.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[data-testid="analyse"]')!.click();
    return { fixture, element, http: TestBed.inject(HttpTestingController) };
  }

  it('shows Positif with the confidence (the server keeps it in the history; the browser keeps nothing)', async () => {
    const { fixture, element, http } = await typeAndAnalyse('Un film magnifique.');
    const request = http.expectOne('/api/v1/predictions');
    expect(request.request.body).toEqual({ text: 'Un film magnifique.', explain: true });
    request.flush({ label: 'positive', score: 0.93, probabilities: { negative: 0.07, positive: 0.93 }, uncertain: false, truncated: false, model: 'allocine-embedded-ngram', version: '1.0', latencyMs: 12 });
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="verdict"]')?.textContent).toBe('Positif');
    expect(element.querySelector('[data-testid="result"]')?.textContent).toContain('93');
    expect(element.querySelector('[data-testid="result"]')?.textContent).toContain('allocine-embedded-ngram 1.0');
    expect(localStorage.getItem('allocine-sentiment.history.v1')).toBeNull();
  });

  it('highlights the words that pushed the decision, with a legend', async () => {
    const { fixture, element, http } = await typeAndAnalyse('Un film magnifique.');
    const words = [
      { text: 'Un', start: 0, end: 2, weight: 0.01 },
      { text: 'film', start: 3, end: 7, weight: -0.2 },
      { text: 'magnifique', start: 8, end: 18, weight: 0.9 },
    ];
    http.expectOne('/api/v1/predictions').flush({
      label: 'positive', score: 0.93, probabilities: { negative: 0.07, positive: 0.93 }, uncertain: false, truncated: false,
      model: 'allocine-embedded-ngram', version: '1.0', latencyMs: 12, explanation: { method: 'linear-exact', unit: 'logit', bias: 0.1, words },
    });
    await fixture.whenStable();
    const highlighted = element.querySelector('[data-testid="highlighted"]')!;
    expect(highlighted.textContent).toBe('Un film magnifique.');
    expect(highlighted.querySelector('mark.positive')?.textContent).toBe('magnifique');
    expect(highlighted.querySelector('mark.negative')?.textContent).toBe('film');
    expect(element.querySelector('[data-testid="legend"]')?.textContent).toContain('pousse vers « positif »');
  });

  it('says when the service is unavailable instead of showing nothing', async () => {
    const { fixture, element, http } = await typeAndAnalyse('Nul.');
    http.expectOne('/api/v1/predictions').flush(
      { type: '/api/v1/problems/unavailable', title: 'Service unavailable', status: 503, detail: 'Model server unavailable', instance: '/api/v1/predictions' },
      { status: 503, statusText: 'Service Unavailable', headers: { 'Retry-After': '10' } },
    );
    await fixture.whenStable();
    const alert = element.querySelector('[data-testid="error"]')?.textContent ?? '';
    expect(alert).toContain('Service momentanément indisponible');
    expect(alert).toContain('Réessayez dans 10 s');
    expect(element.querySelector('[data-testid="result"]')).toBeNull();
  });

  it('keeps the button disabled for an empty text, and for one over the limit the API reports', async () => {
    const fixture = TestBed.createComponent(AnalysePage);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;
    const button = element.querySelector('[data-testid="analyse"]') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    TestBed.inject(HttpTestingController)
      .expectOne('/api/v1/model')
      .flush({ limits: { maxTextChars: 10, maxTextsPerRequest: 100, maxReviewsPerJob: 10000 } });
    const textarea = element.querySelector<HTMLTextAreaElement>('[data-testid="review-input"]')!;
    textarea.value = 'Beaucoup trop long';
    textarea.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(element.textContent).toContain('18 / 10 caractères');
    expect(button.disabled).toBe(true);
  });
});
