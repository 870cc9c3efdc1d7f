import { ModelStatusBoard, PublishedModelView } from './model-view';

const description = { model: 'm', version: '1', labels: ['negative', 'positive'], family: 'f', device: 'cpu', profile: {} } as never;

describe('PublishedModelView (an API-only process)', () => {
  const view = (status: unknown) => new PublishedModelView({ read: async () => status } as unknown as ModelStatusBoard);

  it('is ready and describes the model as the workers last reported it', async () => {
    const seen = view({ ready: true, detail: 'probe classified', description, at: '' });
    await expect(seen.readiness()).resolves.toEqual({ ready: true, detail: 'probe classified' });
    await expect(seen.describe()).resolves.toBe(description);
  });

  it('passes on why the workers found the model server not ready', async () => {
    const down = view({ ready: false, detail: 'model server unreachable (ECONNREFUSED)', description: null, at: '' });
    await expect(down.readiness()).resolves.toEqual({ ready: false, detail: 'model server unreachable (ECONNREFUSED)' });
    await expect(down.describe()).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('is not ready when no worker has reported lately (the report expired)', async () => {
    await expect(view(null).readiness()).resolves.toEqual({ ready: false, detail: expect.stringMatching(/no worker has reported/) });
  });
});
