import { z } from 'zod';

import { ServingProfile } from './serving-profile';

/** GET /api/v1/models and the model operations: registered versions, the shadow's report, the audit log. */
const version = z.string();
const dateTime = z.iso.datetime({ offset: true });
const share = z.number().min(0).max(1);

export const VersionMetric = z.object({
  set: z.string().describe('The evaluation set\'s key (validation, tv_series_dev)'),
  dataset: z.string().describe('What it is, in words'),
  n: z.int().min(0),
  accuracy: z.number(),
  f1: z.number(),
  ece: z.number().nullable(),
  baseAccuracy: z.number().nullable().describe('The accuracy of the version it was made from, on the same reviews (null for a base model)'),
});

export const ModelVersion = z.object({
  version,
  name: z.string(),
  family: z.string(),
  status: z.enum(['live', 'shadow', 'previous', 'registered']).describe('previous: what a rollback returns to'),
  served: z.boolean().describe('Loaded in TorchServe (a registered version is loaded when shadowed or promoted)'),
  createdAt: dateTime.nullable(),
  base: z.object({ name: z.string(), version }).nullable().describe('The version it was made from; null for a base model'),
  method: z.enum(['trained', 'retrained', 'recalibrated']).describe('trained: a base model; retrained: the embedded model on base data plus corrections; recalibrated: a Hugging Face model\'s temperature and threshold on corrections'),
  dataFingerprint: z.string().nullable().describe('SHA-256 of what it was fit on (label and text pairs)'),
  corrections: z.int().min(0).nullable().describe('Corrected reviews it was fit on'),
  metrics: z.array(VersionMetric).describe('One entry per evaluation set its card names'),
  gate: z
    .object({ passed: z.boolean(), maxLossPoints: z.number(), lossPoints: z.record(z.string(), z.number()), reasons: z.array(z.string()) })
    .nullable()
    .describe('The verdict that let it register (points of accuracy lost per set); null for a base model'),
  calibration: z.object({ temperature: z.number().nullable(), uncertainBelow: z.number().nullable() }).nullable(),
  serving: ServingProfile.nullable().describe('Its serving profile (serving.json): how TorchServe sizes its lanes'),
});

export const ShadowRunInfo = z.object({ version, percent: z.int().min(1).max(100), since: dateTime });

export const ModelVersionList = z.object({
  live: version.nullable().describe('null while the model server has not answered yet'),
  previous: version.nullable(),
  shadow: ShadowRunInfo.nullable(),
  items: z.array(ModelVersion),
});

const histogram = z.array(z.int().min(0)).length(10).describe('Reviews per tenth of confidence, 0.5–0.55 … 0.95–1');

export const ShadowReport = ShadowRunInfo.extend({
  live: version.nullable(),
  compared: z.int().min(0).describe('Reviews both versions classified'),
  agreed: z.int().min(0),
  agreement: share.nullable().describe('agreed / compared; null before any comparison'),
  backlog: z.int().min(0).describe('Copies waiting for the shadow version'),
  confidence: z.object({ live: histogram, shadow: histogram }),
  corrected: z
    .object({ n: z.int().min(0), liveAccuracy: share.nullable(), shadowAccuracy: share.nullable() })
    .describe('On reviews both classified and a reviewer corrected (or confirmed) since the shadow began'),
});

export const ModelEvent = z.object({
  id: z.string(),
  at: dateTime,
  actor: z.string().describe("The admin key's owner (a digest, never the key), or anonymous without keys"),
  action: z.enum(['shadow', 'shadow-stop', 'promote', 'rollback']),
  fromVersion: version.nullable(),
  toVersion: version.nullable(),
  detail: z.string().nullable(),
});

export const ModelEventList = z.object({ items: z.array(ModelEvent) });

export const MODELS_RESPONSE_SCHEMAS = { VersionMetric, ModelVersion, ShadowRunInfo, ModelVersionList, ShadowReport, ModelEvent, ModelEventList };
