/** `GET /api/v1/health/ready`: @nestjs/terminus's shape, one entry per component. */

export type ComponentStatus = 'up' | 'down';

export interface ComponentHealth {
  status: ComponentStatus;
  message?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: 'ok' | 'error' | 'shutting_down';
  info?: Record<string, ComponentHealth>;
  error?: Record<string, ComponentHealth>;
  details: Record<string, ComponentHealth>;
}

export const HEALTH_COMPONENTS = ['redis', 'modelServer', 'workers', 'queue'] as const;
