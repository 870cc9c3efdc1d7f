// Security headers for the UI: the one source. scripts/ui-server.mjs (npm start) sends these; the compose UI's
// nginx includes frontend/security-headers.conf, and scripts/ui-nginx.test.mjs proves it sends exactly these.
// The Angular build loads only its own scripts and styles (critical-CSS inlining is off: it needs an inline
// onload handler); Angular Material's component styles are inline <style> blocks, hence 'unsafe-inline' for styles.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};
