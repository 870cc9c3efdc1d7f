/** `GET /api/v1/health/ready`: @nestjs/terminus's shape, one entry per component. */
import type { Schema } from './schemas';

export type ComponentHealth = Schema<'ComponentHealth'>;
export type ComponentStatus = ComponentHealth['status'];
export type HealthReport = Schema<'HealthReport'>;
