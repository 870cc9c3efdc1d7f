import type { Caller } from '../access/key-ring';
import { ApiError } from '../common/api-errors';
import { loadConfig } from '../config/app-config';
import type { LifecycleState, ModelLifecycleState } from '../model-state/lifecycle-state';
import type { ModelManagementClient } from '../model-server/model-management.client';
import { FALLBACK_PROFILE, ServingProfileService } from '../model-server/serving-profile.service';
import type { RedisService } from '../redis/redis.service';
import { strictDouble } from '../../test/unit/strict-double';
import type { ModelEventsRepository } from './model-events.repository';
import { ModelLifecycle } from './model-lifecycle.service';
import type { ModelRegistry, VersionCard } from './model-registry';

const admin: Caller = { owner: 'key:root', client: 'key:root', role: 'admin' };
const card = (version: string, passed = true): VersionCard => ({
  version, name: 'm', family: 'embedded-ngram', createdAt: null, base: null, method: 'retrained', dataFingerprint: null, corrections: 3, metrics: [],
  gate: { passed, maxLossPoints: 0.5, lossPoints: {}, reasons: passed ? [] : ['validation: 0.80 points lost'] }, calibration: null, serving: null,
});

/** A lifecycle over doubles: TorchServe's registrations per lane, the recorded state, the audit log, a free lock. */
function setUp(initial: LifecycleState, served: Record<string, string[]> = { 'allocine-sentiment': ['1.0'], 'allocine-sentiment-interactive': ['1.0'] }) {
  let state = { ...initial };
  const calls: string[] = [];
  const management = strictDouble<ModelManagementClient>('management', {
    versions: async (name: string) => (served[name] ?? []).map((version) => ({ version, ready: true })),
    defaultVersion: async () => state.live,
    register: async (archive: string, name: string) => {
      calls.push(`register ${name} ${archive}`);
      served[name] = [...(served[name] ?? []), archive.replace(/^allocine-sentiment-v|\.mar$/g, '')];
    },
    setDefault: async (name: string, version: string) => void calls.push(`default ${name} ${version}`),
    unregister: async (name: string, version: string) => {
      calls.push(`unload ${name} ${version}`);
      served[name] = served[name].filter((v) => v !== version);
    },
  });
  const lifecycleState = strictDouble<ModelLifecycleState>('state', { read: async () => state, write: async (next: LifecycleState) => void (state = next) });
  const registry = strictDouble<ModelRegistry>('registry', { cards: async () => [card('1.0'), card('1.1'), card('1.2', false)], card: async (v: string) => [card('1.1'), card('1.2', false)].find((c) => c.version === v) });
  const events = strictDouble<ModelEventsRepository>('events', { assertWritable: () => undefined, record: async (...args: unknown[]) => void calls.push(`audit ${args.slice(1).join(' ')}`) });
  const redis = { keys: { modelOperation: 'op', modelLifecycle: 'lc' }, client: { set: async () => 'OK', get: async () => null, del: async () => 1 } } as unknown as RedisService;
  const profile = strictDouble<ServingProfileService>('profile', { profile: () => FALLBACK_PROFILE });
  const lifecycle = new ModelLifecycle(lifecycleState, registry, management, events, profile, redis, loadConfig({}));
  return { lifecycle, calls, state: () => state };
}

describe('ModelLifecycle', () => {
  it('promotes by registering the version on both lanes first, then switching bulk and interactive, then recording it', async () => {
    const { lifecycle, calls, state } = setUp({ live: '1.0', previous: null, shadow: { version: '1.1', percent: 10, since: 't' } });
    await lifecycle.promote(admin, '1.1');
    expect(calls).toEqual([
      'register allocine-sentiment allocine-sentiment-v1.1.mar',
      'register allocine-sentiment-interactive allocine-sentiment-v1.1.mar',
      'default allocine-sentiment 1.1',
      'default allocine-sentiment-interactive 1.1',
      'audit promote 1.0 1.1',
    ]);
    // The shadow was this version: it is live now, so no longer in shadow.
    expect(state()).toEqual({ live: '1.1', previous: '1.0', shadow: null });
  });

  it('keeps only the live, previous and shadow versions loaded: a second promotion unloads the oldest', async () => {
    const { lifecycle, calls, state } = setUp({ live: '1.1', previous: '1.0', shadow: null }, { 'allocine-sentiment': ['1.0', '1.1', '1.3'], 'allocine-sentiment-interactive': ['1.0', '1.1', '1.3'] });
    await lifecycle.promote(admin, '1.3');
    expect(calls.slice(-3)).toEqual(['audit promote 1.1 1.3', 'unload allocine-sentiment 1.0', 'unload allocine-sentiment-interactive 1.0']);
    expect(state()).toMatchObject({ live: '1.3', previous: '1.1' });
  });

  it('rolls back to the previous version the same way, and refuses when there is none', async () => {
    const { lifecycle, calls, state } = setUp({ live: '1.1', previous: '1.0', shadow: null }, { 'allocine-sentiment': ['1.0', '1.1'], 'allocine-sentiment-interactive': ['1.0', '1.1'] });
    await lifecycle.rollback(admin);
    expect(calls).toEqual(['default allocine-sentiment 1.0', 'default allocine-sentiment-interactive 1.0', 'audit rollback 1.1 1.0']);
    expect(state()).toMatchObject({ live: '1.0', previous: '1.1' });
    const fresh = setUp({ live: '1.0', previous: null, shadow: null });
    await expect(fresh.lifecycle.rollback(admin)).rejects.toMatchObject({ type: 'conflict' });
    expect(fresh.calls).toEqual([]);
  });

  it('shadows on the bulk lane only, and refuses the live version, an unknown one and one the gate refused', async () => {
    const { lifecycle, calls, state } = setUp({ live: '1.0', previous: null, shadow: null });
    await lifecycle.shadow(admin, '1.1', 25);
    expect(calls).toEqual(['register allocine-sentiment allocine-sentiment-v1.1.mar', 'audit shadow 1.0 1.1 25 %']);
    expect(state().shadow).toMatchObject({ version: '1.1', percent: 25 });
    for (const version of ['1.0', '9.9', '1.2']) {
      const refused = await lifecycle.shadow(admin, version, 10).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiError);
    }
    expect(calls).toHaveLength(2);
  });
});
