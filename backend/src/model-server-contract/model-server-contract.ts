/**
 * The backend-to-model-server seam, read from the one file Python reads too
 * (model-server/allocine_sentiment/contract.py): names, headers, the embedded model's serving profile, and the
 * JSON Schema of every body. Prose: docs/model-server-contract.md. A folder of its own: the configuration's
 * defaults and the model-server adapter both read it.
 */
import type { ServingProfile } from '@allocine/contracts';

// Data, imported as it is (the one import of another project's file the lint rule allows: eslint.config.mjs).
import contract from '../../../libs/contracts/src/model-server-contract.json';

export const MODEL_SERVER_CONTRACT = {
  /** The bulk lane's TorchServe model; the interactive lane is this plus `interactiveSuffix`. */
  modelName: contract.modelName,
  interactiveSuffix: contract.interactiveSuffix,
  headers: contract.headers,
  /** Model versions: the registry's card file, the archives' prefix, the evaluation sets (key → name, data file), the gate. */
  lifecycle: contract.lifecycle,
  /** The embedded model's profile: what the backend assumes until the model server has described its model. */
  embeddedProfile: contract.embeddedProfile as ServingProfile,
  /** JSON Schema (2020-12) of the bodies: `$defs` Description, PredictResponse, Result, ServingProfile, … */
  schema: contract.schema as Record<string, unknown>,
} as const;
