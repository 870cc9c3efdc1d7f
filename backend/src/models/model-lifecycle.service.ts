import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ModelVersion, ModelVersionList } from '@allocine/contracts';

import type { Caller } from '../access/key-ring';
import { ApiError, conflict, notFound } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { orRedisDown } from '../failures/failure';
import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';
import { ArchiveRefused, ModelManagementClient, ServedVersion } from '../model-server/model-management.client';
import { ServingProfileService } from '../model-server/serving-profile.service';
import { RedisService } from '../redis/redis.service';
import { LifecycleState, ModelLifecycleState } from '../model-state/lifecycle-state';
import { ModelEventsRepository } from './model-events.repository';
import { ModelRegistry, VersionCard } from './model-registry';

type Lane = 'bulk' | 'interactive';
const LANES: Lane[] = ['bulk', 'interactive'];
/** Longer than the slowest registration (CamemBERT's workers loading): a crashed holder frees it by itself. */
const OPERATION_LOCK_MS = 5 * 60_000;
/** How often the model server is brought back to the recorded state (after it restarted, it serves its base). */
const RECONCILE_MS = 10_000;

/**
 * Shadow, promotion and rollback of registered versions (docs/model-lifecycle.md). TorchServe serves several
 * versions of each lane's model side by side; promoting points both lanes' default at the new version, each
 * switch atomic in TorchServe, so no request fails or is dropped: one in flight finishes on the version it
 * reached, and every result names its version. One operation at a time (a Redis lock), each in the audit log.
 */
@Injectable()
export class ModelLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ModelLifecycle.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly state: ModelLifecycleState,
    private readonly registry: ModelRegistry,
    private readonly management: ModelManagementClient,
    private readonly events: ModelEventsRepository,
    private readonly profile: ServingProfileService,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.reconcile()
        .catch((error: Error) => this.logger.debug(`model versions not reconciled: ${error.message}`))
        .finally(() => (this.timer = setTimeout(tick, RECONCILE_MS).unref()));
    };
    tick();
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }

  private laneName(lane: Lane): string {
    return this.config.MODEL_NAME + (lane === 'interactive' ? MODEL_SERVER_CONTRACT.interactiveSuffix : '');
  }

  async list(): Promise<ModelVersionList> {
    const state = await orRedisDown(() => this.state.read(), 'Model state unavailable');
    const [cards, served] = await Promise.all([this.registry.cards(), this.served()]);
    const live = state.live ?? (await this.management.defaultVersion(this.laneName('bulk')).catch(() => null));
    // The base card is MODEL_METRICS_PATH's: when the model server serves another base (MODEL_DIR), it is not listed.
    const listed = cards.filter((card) => card.method !== 'trained' || !served || served.some((v) => v.version === card.version));
    const known = new Set(listed.map((card) => card.version));
    // A version TorchServe serves that no card describes (a base model without its report): listed bare.
    for (const version of served?.map((v) => v.version) ?? []) {
      if (!known.has(version)) listed.push(bareCard(version));
    }
    const items: ModelVersion[] = listed.map((card) => ({
      ...card,
      status: card.version === live ? 'live' : card.version === state.shadow?.version ? 'shadow' : card.version === state.previous ? 'previous' : 'registered',
      served: served?.some((v) => v.version === card.version) ?? false,
    }));
    return { live, previous: state.previous, shadow: state.shadow, items };
  }

  async promote(caller: Caller, version: string): Promise<ModelVersionList> {
    await this.operation(true, async () => {
      const state = await this.current();
      if (version === state.live) throw conflict(`Version ${version} is already live`);
      const card = await this.known(version);
      await this.serve(version, LANES, card);
      await this.switchTo(version);
      const next = { live: version, previous: state.live, shadow: state.shadow?.version === version ? null : state.shadow };
      await this.state.write(next);
      await this.events.record(caller.owner, 'promote', state.live, version);
      await this.retire(next);
      this.logger.log(`model version ${version} promoted (was ${state.live})`);
    });
    return this.list();
  }

  async rollback(caller: Caller): Promise<ModelVersionList> {
    await this.operation(true, async () => {
      const state = await this.current();
      if (!state.previous) throw conflict('Nothing to roll back to: no version was live before this one');
      const card = await this.registry.card(state.previous);
      await this.serve(state.previous, LANES, card);
      await this.switchTo(state.previous);
      const next = { live: state.previous, previous: state.live, shadow: state.shadow?.version === state.previous ? null : state.shadow };
      await this.state.write(next);
      await this.events.record(caller.owner, 'rollback', state.live, state.previous);
      await this.retire(next);
      this.logger.log(`model version ${state.previous} restored (rolled back from ${state.live})`);
    });
    return this.list();
  }

  async shadow(caller: Caller, version: string, percent: number): Promise<ModelVersionList> {
    await this.operation(true, async () => {
      const state = await this.current();
      if (version === state.live) throw conflict(`Version ${version} is live: shadow another version`);
      const card = await this.known(version);
      // Copies go to the bulk lane (off the interactive path), the version named in each call.
      await this.serve(version, ['bulk'], card);
      const since = new Date().toISOString();
      const next = { ...state, shadow: { version, percent, since } };
      await this.state.write(next);
      await this.events.record(caller.owner, 'shadow', state.live, version, `${percent} %`);
      await this.retire(next);
    });
    return this.list();
  }

  async stopShadow(caller: Caller): Promise<ModelVersionList> {
    await this.operation(true, async () => {
      const state = await this.current();
      if (!state.shadow) throw conflict('No version is in shadow');
      const next = { ...state, shadow: null };
      await this.state.write(next);
      await this.events.record(caller.owner, 'shadow-stop', state.live, state.shadow.version);
      await this.retire(next);
    });
    return this.list();
  }

  /**
   * Bring TorchServe to the recorded state: after it restarted it serves its base version only. The first time,
   * record the version it starts with as live, so jobs can be pinned to it from their start.
   */
  async reconcile(): Promise<void> {
    const state = await this.state.read();
    const bulk = this.laneName('bulk');
    const current = await this.management.defaultVersion(bulk);
    if (!current) return;
    if (!state.live) {
      await this.redis.client.hsetnx(this.redis.keys.modelLifecycle, 'live', current);
      return;
    }
    const interactive = await this.management.defaultVersion(this.laneName('interactive'));
    const shadowMissing = state.shadow && !(await this.management.versions(bulk)).some((v) => v.version === state.shadow!.version);
    if (current === state.live && interactive === state.live && !shadowMissing) return;
    // Not an operator's decision but the recorded one carried out again: nothing for the audit log.
    await this.operation(false, async () => {
      this.logger.warn(`the model server serves ${current}, ${state.live} is live: registering it again`);
      await this.serve(state.live!, LANES, await this.registry.card(state.live!));
      await this.switchTo(state.live!);
      if (state.shadow) await this.serve(state.shadow.version, ['bulk'], await this.registry.card(state.shadow.version));
    });
  }

  /** The recorded state, with the live version learned from TorchServe when nothing is recorded yet. */
  private async current(): Promise<LifecycleState> {
    const state = await this.state.read();
    if (state.live) return state;
    return { ...state, live: await this.management.defaultVersion(this.laneName('bulk')) };
  }

  private async known(version: string): Promise<VersionCard | undefined> {
    const card = await this.registry.card(version);
    if (card) {
      if (card.gate && !card.gate.passed) throw conflict(`Version ${version} did not pass the gate: ${card.gate.reasons.join('; ')}`);
      return card;
    }
    if ((await this.served())?.some((v) => v.version === version)) return undefined;
    throw notFound(`No model version ${version}: GET /api/v1/models lists them`);
  }

  /** Register `version` on each lane that lacks it, sized as its card says (else as the live profile). */
  private async serve(version: string, lanes: Lane[], card: VersionCard | undefined): Promise<void> {
    const profile = card?.serving ?? this.profile.profile();
    for (const lane of lanes) {
      const name = this.laneName(lane);
      if ((await this.management.versions(name)).some((v) => v.version === version)) continue;
      try {
        await this.management.register(`${MODEL_SERVER_CONTRACT.lifecycle.archivePrefix}${version}.mar`, name, profile[lane], profile.timeouts.responseTimeoutS);
      } catch (error) {
        if (error instanceof ArchiveRefused) throw conflict(error.message);
        throw error;
      }
    }
  }

  /**
   * Each registered version holds its workers (processes, memory): only the live one, the previous one (for a
   * rollback) and the shadow stay loaded. A job still pinned to a retired version goes on with the live one, its
   * rows naming the version that made them. Best effort: a version left loaded only costs memory.
   */
  private async retire(state: LifecycleState): Promise<void> {
    const kept = new Set([state.live, state.previous, state.shadow?.version].filter(Boolean));
    for (const lane of LANES) {
      const name = this.laneName(lane);
      const served = await this.management.versions(name).catch(() => []);
      for (const { version } of served) {
        if (kept.has(version)) continue;
        await this.management.unregister(name, version).catch((error: Error) => this.logger.warn(`could not unload model version ${version} (${name}): ${error.message}`));
      }
    }
  }

  /** Both lanes' default, bulk first: a single prediction and a job chunk may differ for the moment between the two. */
  private async switchTo(version: string): Promise<void> {
    for (const lane of LANES) await this.management.setDefault(this.laneName(lane), version);
  }

  private async served(): Promise<ServedVersion[] | null> {
    return this.management.versions(this.laneName('bulk')).catch(() => null);
  }

  /** One operation at a time across API processes; an audited one only once the audit log can be written. */
  private async operation(audited: boolean, run: () => Promise<void>): Promise<void> {
    if (audited) this.events.assertWritable();
    const token = randomUUID();
    const key = this.redis.keys.modelOperation;
    const taken = await orRedisDown(() => this.redis.client.set(key, token, 'PX', OPERATION_LOCK_MS, 'NX'), 'Model state unavailable');
    if (taken !== 'OK') throw new ApiError('conflict', 'Another model operation is running; try again when it has finished');
    try {
      await run();
    } finally {
      // Only our own lock: one that expired and was taken by another operation is not released here.
      const current = await this.redis.client.get(key).catch(() => null);
      if (current === token) await this.redis.client.del(key).catch(() => undefined);
    }
  }
}

function bareCard(version: string): VersionCard {
  return { version, name: 'unknown', family: 'unknown', createdAt: null, base: null, method: 'trained', dataFingerprint: null, corrections: null, metrics: [], gate: null, calibration: null, serving: null };
}
