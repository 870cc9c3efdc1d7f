import http from 'node:http';
import { AddressInfo } from 'node:net';

import { CallbackRefused, isPublicAddress, refusalOf } from '../callback-url/callback-target';
import { postCallback } from './deliver';
import { sign, signingSecretFor } from './signature';

describe('webhook signatures', () => {
  it('reproduce the Standard Webhooks test vector, so its libraries verify ours', () => {
    const signature = sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('give each API key its own secret, stable for a given WEBHOOK_SECRET', () => {
    const master = 'm'.repeat(32);
    expect(signingSecretFor(master, 'key:a')).toBe(signingSecretFor(master, 'key:a'));
    expect(signingSecretFor(master, 'key:a')).not.toBe(signingSecretFor(master, 'key:b'));
    expect(signingSecretFor(master, 'key:a')).not.toBe(signingSecretFor('n'.repeat(32), 'key:a'));
    expect(signingSecretFor(master, 'key:a')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});

describe('callback targets', () => {
  const open = { allowedHosts: [], allowPrivate: false };

  it.each([
    '127.0.0.1', '10.1.2.3', '172.20.0.5', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1',
    '::ffff:127.0.0.1', '224.0.0.1',
    // Documentation ranges (TEST-NET-1..3, 2001:db8::/32) and IPv6 transition prefixes that embed an IPv4 address.
    '192.0.2.10', '198.51.100.7', '203.0.113.9', '2001:db8::1', '2002:7f00:1::1', '2001:0:4136:e378::1', '64:ff9b:1::a00:1',
  ])(
    '%s is not public',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => expect(isPublicAddress(address)).toBe(true));

  it('refuses private and loopback targets, by address or by a name that resolves there', async () => {
    expect(await refusalOf('http://127.0.0.1/hook', open)).toBe("callbackUrl's host 127.0.0.1 is not a public address");
    expect(await refusalOf('http://[::1]/hook', open)).toBe("callbackUrl's host ::1 is not a public address");
    expect(await refusalOf('http://localhost/hook', open)).toBe("callbackUrl's host localhost is not a public address");
    expect(await refusalOf('https://169.254.169.254/latest/meta-data', open)).toMatch(/not a public address/);
  });

  it('never says which address a name resolved to', async () => {
    const refusal = await refusalOf('http://localhost/hook', open);
    expect(refusal).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses ports other than 80 and 443 (internal services), unless private targets are allowed', async () => {
    expect(await refusalOf('http://hooks.example.com:6379/x', open)).toBe("callbackUrl's port 6379 is not allowed (only 80 and 443)");
    expect(await refusalOf('https://hooks.example.com:8443/x', open)).toMatch(/port 8443 is not allowed/);
    expect(await refusalOf('http://127.0.0.1:9/hook', { allowedHosts: [], allowPrivate: true })).toBeNull();
  });

  it('allows them when the operator says so (tests, closed networks)', async () => {
    expect(await refusalOf('http://127.0.0.1:9/hook', { allowedHosts: [], allowPrivate: true })).toBeNull();
  });

  it('keeps to the allow-list: exact hosts and *.suffixes', async () => {
    const policy = { allowedHosts: ['hooks.example.com', '*.films.example'], allowPrivate: true };
    expect(await refusalOf('https://hooks.example.com/x', policy)).toBeNull();
    expect(await refusalOf('https://a.b.films.example/x', policy)).toBeNull();
    expect(await refusalOf('https://films.example/x', policy)).toMatch(/not in the allowed callback hosts/);
    expect(await refusalOf('https://evil.example.com/x', policy)).toMatch(/host evil\.example\.com is not in the allowed/);
  });

  it('refuses other schemes, credentials and names that do not resolve', async () => {
    expect(await refusalOf('ftp://hooks.example.com/x', open)).toMatch(/http or https/);
    expect(await refusalOf('https://user:pw@hooks.example.com/x', open)).toMatch(/credentials/);
    expect(await refusalOf('https://nothing-here.invalid/x', open)).toMatch(/does not resolve/);
  });
});

describe('posting a callback', () => {
  let server: http.Server;
  let port: number;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(request.url === '/redirect' ? 302 : 204, request.url === '/redirect' ? { location: 'http://169.254.169.254/' } : {});
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends the body and headers and gives back the status; a redirect is a status, not followed', async () => {
    const allow = { allowedHosts: [], allowPrivate: true };
    await expect(postCallback(`http://localhost:${port}/hook`, '{"a":1}', { 'webhook-id': 'j.completed' }, 2_000, allow)).resolves.toBe(204);
    expect(received.at(-1)).toMatchObject({ body: '{"a":1}', headers: { 'webhook-id': 'j.completed', 'content-type': 'application/json' } });
    await expect(postCallback(`http://localhost:${port}/redirect`, '{}', {}, 2_000, allow)).resolves.toBe(302);
    expect(received).toHaveLength(2);
  });

  it('refuses, when it connects, a name that resolves to a private address (DNS rebinding)', async () => {
    const failure = await postCallback(`http://localhost:${port}/hook`, '{}', {}, 2_000, { allowedHosts: [], allowPrivate: false }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CallbackRefused);
    expect(String(failure)).toMatch(/localhost is not a public address/);
    expect(String(failure)).not.toMatch(/127\.0\.0\.1|::1/);
    expect(received).toHaveLength(2);
  });
});
