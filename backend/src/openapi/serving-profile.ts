import { z } from 'zod';

/** A served model's serving profile: GET /api/v1/model's `serving`, and each registered version's (GET /api/v1/models). */
export const ServingLane = z.object({ workers: z.int(), threads: z.int(), batchSize: z.int(), maxBatchDelayMs: z.int() });

export const ServingProfile = z
  .object({
    bulk: ServingLane,
    interactive: ServingLane,
    timeouts: z.object({ responseTimeoutS: z.number(), modelCallMs: z.number() }),
    chunkSize: z.int(),
    chunkConcurrency: z.int(),
    tokenBudget: z.int().nullable(),
    acceleration: z.string(),
    device: z.string(),
    gpuDtype: z.enum(['bfloat16', 'float16', 'float32']).optional().describe('Weights and activations on a GPU'),
  })
  .describe("How the model is served, from the model server, with the chunking the API uses for it");
