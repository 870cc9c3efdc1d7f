// What the UI server (npm start) lets through to the API, and from which page. nginx (compose) applies the
// same rules: server_name for hosts, and the same write rule in frontend/nginx.conf.

/** Host names this server answers to by default: this machine's, whatever the port. */
export const DEFAULT_UI_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** UI_HOSTS (comma-separated names, `*.example.org` for subdomains) plus this machine's own names. */
export function allowedHosts(setting) {
  const extra = (setting ?? '').split(',').map((host) => host.trim().toLowerCase()).filter(Boolean);
  return [...DEFAULT_UI_HOSTS, ...extra];
}

/** The host name of a Host header ("localhost:8501" → "localhost", "[::1]:8501" → "[::1]"). */
export function hostName(header) {
  const value = String(header ?? '').trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0];
}

/**
 * A DNS-rebinding page reaches this server under the attacker's name: the browser sends that name as Host.
 * Answering only to known names means such a page can never read what the UI's key can.
 */
export function hostAllowed(header, hosts) {
  const name = hostName(header);
  if (!name) return false;
  return hosts.some((rule) => (rule.startsWith('*.') ? name.endsWith(rule.slice(1)) : name === rule));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a proxied API call is refused, or null. Writes carry JSON (or, for POST /api/v1/jobs, a multipart CSV
 * upload) and come from this UI's own pages: a browser names the page's origin on every cross-site write
 * (Origin, Sec-Fetch-Site), and a cross-site form can only send urlencoded, multipart or text/plain bodies.
 * Without this, any site the user visits could post through the UI with its key.
 */
export function writeRefusal(request) {
  if (SAFE_METHODS.has(request.method)) return null;
  const site = request.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return `cross-site ${request.method} refused`;
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    let originHost;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      return 'malformed Origin';
    }
    if (originHost !== String(request.headers.host ?? '').toLowerCase()) return `cross-origin ${request.method} refused`;
  } else if (origin === 'null') {
    return `${request.method} from an opaque origin refused`;
  }
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody || type === 'application/json') return null;
  const path = request.url.split('?')[0];
  if (type === 'multipart/form-data' && request.method === 'POST' && /^\/api\/v1\/jobs\/?$/.test(path)) return null;
  return `Content-Type "${type || '(none)'}" refused: the API takes JSON`;
}
