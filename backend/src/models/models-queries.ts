import { z } from 'zod';

import { MODEL_SERVER_CONTRACT } from '../model-server-contract/model-server-contract';

/** A version as the registry names it (a path segment TorchServe accepts): `1.1`, `camembert-r1`. */
export const VERSION_PATTERN = MODEL_SERVER_CONTRACT.lifecycle.versionPattern;

export const shadowRequest = z.strictObject(
  { percent: z.int({ error: 'percent is a whole number from 1 to 100' }).min(1).max(100).describe('Share of live reviews copied to the shadow version') },
  { error: (issue: { code?: string }) => (issue.code === 'invalid_type' ? 'expected a JSON object' : undefined) },
);

