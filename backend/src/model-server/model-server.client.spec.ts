import { HttpService } from '@nestjs/axios';
import { AxiosError, AxiosHeaders, AxiosResponse } from 'axios';
import { of, throwError } from 'rxjs';

import { loadConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';
import { ModelServerClient } from './model-server.client';
import { ModelServerError } from './model-server.errors';

const prediction = { label: 'positive', score: 0.9, probabilities: { negative: 0.1, positive: 0.9 }, uncertain: false, truncated: false, model: 'm', version: '1' };

function response<T>(data: T, headers: Record<string, string> = {}): AxiosResponse<T> {
  return { data, status: 200, statusText: 'OK', headers, config: { headers: new AxiosHeaders() } };
}

function axiosError(status?: number, code?: string): AxiosError {
  const error = new AxiosError('failed', code);
  if (status) error.response = { status, data: {}, statusText: '', headers: {}, config: { headers: new AxiosHeaders() } };
  return error;
}

describe('ModelServerClient', () => {
  const config = loadConfig({ MODEL_SERVER_URL: 'http://ts:8080' });
  const bulk = { lane: 'bulk', timeoutMs: 1234 } as const;
  let http: { post: jest.Mock; get: jest.Mock };
  let metrics: MetricsService;
  let client: ModelServerClient;

  beforeEach(() => {
    http = { post: jest.fn(), get: jest.fn() };
    metrics = new MetricsService();
    client = new ModelServerClient(http as unknown as HttpService, config, metrics);
  });

  it('posts the texts as a JSON list to the bulk lane with the given timeout', async () => {
    http.post.mockReturnValue(of(response([prediction, prediction], { 'x-batch-requests': '3' })));
    await expect(client.predict(['a', 'b'], bulk)).resolves.toHaveLength(2);
    expect(http.post).toHaveBeenCalledWith('http://ts:8080/predictions/allocine-sentiment', ['a', 'b'], { timeout: 1234, headers: {} });
    const batch = await metrics.modelBatchRequests.get();
    expect(batch.values.find((v) => v.metricName?.endsWith('_sum'))?.value).toBe(3);
  });

  it('sends single predictions to the interactive lane with the caller\'s deadline', async () => {
    http.post.mockReturnValue(of(response([prediction])));
    await client.predict(['a'], { lane: 'interactive', timeoutMs: 500, deadline: 1_700_000_000_123.7 });
    expect(http.post).toHaveBeenCalledWith('http://ts:8080/predictions/allocine-sentiment-interactive', ['a'], {
      timeout: 500,
      headers: { 'X-Deadline-Ms': '1700000000123' },
    });
  });

  it('sends a pinned version to its own URL, and to the live version once the model server no longer has it', async () => {
    http.post.mockReturnValueOnce(of(response([prediction])));
    await client.predict(['a'], { ...bulk, version: '1.1' });
    expect(http.post).toHaveBeenLastCalledWith('http://ts:8080/predictions/allocine-sentiment/1.1', ['a'], { timeout: 1234, headers: {} });
    http.post.mockReturnValueOnce(throwError(() => axiosError(404))).mockReturnValueOnce(of(response([prediction])));
    await expect(client.predict(['a'], { ...bulk, version: '0.9' })).resolves.toEqual([prediction]);
    expect(http.post).toHaveBeenLastCalledWith('http://ts:8080/predictions/allocine-sentiment', ['a'], { timeout: 1234, headers: {} });
    // Unpinned, a 404 is the model server refusing: no second call.
    http.post.mockClear().mockReturnValueOnce(throwError(() => axiosError(404)));
    await expect(client.predict(['a'], bulk)).rejects.toMatchObject({ kind: 'model-rejected' });
    expect(http.post).toHaveBeenCalledTimes(1);
  });

  it('asks the bulk lane to describe the model and refuses an answer without a profile', async () => {
    const described = { model: 'm', version: '1', labels: ['negative', 'positive'], family: 'huggingface', device: 'cpu', profile: MODEL_SERVER_CONTRACT.embeddedProfile };
    http.post.mockReturnValueOnce(of(response(described)));
    await expect(client.describe()).resolves.toEqual(described);
    expect(http.post).toHaveBeenCalledWith('http://ts:8080/predictions/allocine-sentiment', { describe: true }, { timeout: 5000 });
    http.post.mockReturnValueOnce(of(response({ model: 'm' })));
    await expect(client.describe()).rejects.toMatchObject({ kind: 'model-bad-response', retryable: true });
  });

  it('treats a result count that does not match as a retryable bad response', async () => {
    http.post.mockReturnValue(of(response([prediction])));
    await expect(client.predict(['a', 'b'], bulk)).rejects.toMatchObject({ retryable: true, kind: 'model-bad-response' });
  });

  it('checks each result against the contract: a prediction without probabilities is a bad response, not a result', async () => {
    const withoutProbabilities: Partial<typeof prediction> = { ...prediction };
    delete withoutProbabilities.probabilities;
    http.post.mockReturnValue(of(response([prediction, withoutProbabilities])));
    const refused = await client.predict(['a', 'b'], bulk).catch((error: unknown) => error);
    expect(refused).toMatchObject({ retryable: true, kind: 'model-bad-response' });
    expect((refused as Error).message).toMatch(/result 1 breaks the contract/);
    http.post.mockReturnValue(of(response([prediction, { error: { code: 'too_long', message: 'over 20,000 characters' } }])));
    await expect(client.predict(['a', 'b'], bulk)).resolves.toHaveLength(2);
  });

  it.each([
    [axiosError(400), false, 'model-rejected'],
    [axiosError(413), false, 'model-rejected'],
    [axiosError(500), true, 'model-unavailable'],
    [axiosError(503), true, 'model-unavailable'],
    [axiosError(undefined, 'ECONNABORTED'), true, 'model-timeout'],
    [axiosError(undefined, 'ECONNREFUSED'), true, 'model-unavailable'],
  ])('maps %s to retryable=%s (%s)', async (error, retryable, kind) => {
    http.post.mockReturnValue(throwError(() => error));
    const failure = await client.predict(['a'], bulk).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelServerError);
    expect(failure).toMatchObject({ retryable, kind });
  });

  it('is ready only when the model describes itself, not when TorchServe merely answers /ping', async () => {
    const described = { model: 'm', version: '1', labels: ['negative', 'positive'], family: 'embedded-ngram', device: 'cpu', profile: MODEL_SERVER_CONTRACT.embeddedProfile };
    http.post.mockReturnValueOnce(of(response(described)));
    await expect(client.isReady()).resolves.toEqual({ ready: true, detail: 'm 1 loaded' });
    // TorchServe without the model registered: /ping would say Healthy, the model's endpoint says 404.
    http.post.mockReturnValueOnce(throwError(() => axiosError(404)));
    await expect(client.isReady()).resolves.toEqual({ ready: false, detail: 'model server answered 404' });
    expect(http.get).not.toHaveBeenCalled();
  });

  it('probes the interactive lane with a review', async () => {
    http.post.mockReturnValueOnce(of(response([prediction])));
    await expect(client.probe()).resolves.toEqual({ ready: true, detail: 'probe classified' });
    expect(http.post.mock.calls[0][0]).toBe('http://ts:8080/predictions/allocine-sentiment-interactive');
    http.post.mockReturnValueOnce(of(response([{ error: { code: 'model_error', message: 'x' } }])));
    await expect(client.probe()).resolves.toMatchObject({ ready: false });
  });

  describe('with several model servers (MODEL_SERVER_URL=a,b)', () => {
    const replicas = loadConfig({ MODEL_SERVER_URL: 'http://ts-a:8080, http://ts-b:8080/' });

    beforeEach(() => {
      client = new ModelServerClient(http as unknown as HttpService, replicas, metrics);
    });

    it('spreads calls round-robin', async () => {
      http.post.mockReturnValue(of(response([prediction])));
      for (let i = 0; i < 4; i++) await client.predict(['a'], bulk);
      expect(http.post.mock.calls.map(([url]) => url)).toEqual([
        'http://ts-a:8080/predictions/allocine-sentiment',
        'http://ts-b:8080/predictions/allocine-sentiment',
        'http://ts-a:8080/predictions/allocine-sentiment',
        'http://ts-b:8080/predictions/allocine-sentiment',
      ]);
    });

    it('moves a refused or reset call to the next server at once, but not a timeout or an HTTP error', async () => {
      http.post.mockReturnValueOnce(throwError(() => axiosError(undefined, 'ECONNREFUSED'))).mockReturnValueOnce(of(response([prediction])));
      await expect(client.predict(['a'], bulk)).resolves.toEqual([prediction]);
      expect(http.post.mock.calls.map(([url]) => new URL(url).host)).toEqual(['ts-a:8080', 'ts-b:8080']);

      http.post.mockClear();
      http.post.mockReturnValueOnce(throwError(() => axiosError(undefined, 'ECONNABORTED')));
      await expect(client.predict(['a'], bulk)).rejects.toMatchObject({ kind: 'model-timeout', retryable: true });
      http.post.mockReturnValueOnce(throwError(() => axiosError(503)));
      await expect(client.predict(['a'], bulk)).rejects.toMatchObject({ kind: 'model-unavailable', retryable: true });
      expect(http.post).toHaveBeenCalledTimes(2);
    });

    it('is ready while one server describes the model, whichever is down', async () => {
      const described = { model: 'm', version: '1', labels: ['negative', 'positive'], family: 'f', device: 'cpu', profile: MODEL_SERVER_CONTRACT.embeddedProfile };
      http.post.mockReturnValueOnce(throwError(() => axiosError(undefined, 'ECONNREFUSED'))).mockReturnValueOnce(of(response(described)));
      await expect(client.isReady()).resolves.toEqual({ ready: true, detail: 'm 1 loaded' });
    });

    it('says unavailable when every server refuses', async () => {
      http.post.mockReturnValue(throwError(() => axiosError(undefined, 'ECONNRESET')));
      await expect(client.predict(['a'], bulk)).rejects.toMatchObject({ kind: 'model-unavailable', retryable: true });
      expect(http.post).toHaveBeenCalledTimes(2);
    });

    it('refuses a list with something that is not an http(s) URL', () => {
      expect(() => loadConfig({ MODEL_SERVER_URL: 'http://a:8080,ftp://b' })).toThrow(/MODEL_SERVER_URL/);
    });
  });
});
