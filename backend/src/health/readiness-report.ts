import { ServiceUnavailableException } from '@nestjs/common';

type Checks = Record<string, Record<string, unknown>>;

/** What terminus reports: overall status, then each component's report under info, error and details. */
export interface ReadinessReport {
  status: string;
  info?: Checks;
  error?: Checks;
  details: Checks;
}

/**
 * The readiness report as a caller without a key sees it: each component's status and whether it is
 * degraded, never the internal addresses, counts or error messages that help only an operator (or an attacker).
 */
export function redactReport(report: ReadinessReport): ReadinessReport {
  const keepStatus = (checks: Checks | undefined): Checks | undefined =>
    checks &&
    Object.fromEntries(
      Object.entries(checks).map(([name, check]) => [name, { status: check.status, ...(check.degraded ? { degraded: true } : {}) }]),
    );
  return { status: report.status, info: keepStatus(report.info), error: keepStatus(report.error), details: keepStatus(report.details) ?? {} };
}

/** Terminus's 503 for a failed readiness check, with its report redacted. */
export function redactFailure(error: unknown): unknown {
  if (!(error instanceof ServiceUnavailableException)) return error;
  const body = error.getResponse();
  if (typeof body !== 'object' || body === null || !('details' in body)) return error;
  return new ServiceUnavailableException(redactReport(body as ReadinessReport));
}
