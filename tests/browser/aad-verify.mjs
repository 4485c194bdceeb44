// The mock's tokens verified by an independent verifier, Node's own crypto, the way a bot's token
// validation does it: the tenant's OpenID metadata, its jwks_uri, the key of the token's kid
// (createPublicKey from the JWK), then the RS256 signature, iss, aud and lifetime. Checked: a
// client-credentials token (v1), a password-grant token (v2) and the JWT on a callback of a
// startMessaging made with the first. A tampered token must fail, so the check can fail.
// The openssl command line, where there is one, checks the same signatures a second way.
// No browser and no packages: Node's own modules only.
//
// Usage: node aad-verify.mjs <ucwa-mock binary> <source folder>

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';

const [mockBinary, source] = process.argv.slice(2);
const clientId = '5b0f8a3e-8a33-4c1e-9d2a-0833a0000833';
const clientSecret = 'sample-application-secret';
let mock = null;
let mockOutput = '';
let receiver = null;

function fail(message) {
    console.error(`FAIL: ${message}`);
    if (mockOutput)
        console.error(`--- the mock's output ---\n${mockOutput}`);
    if (mock)
        mock.kill('SIGKILL');
    process.exit(1);
}

function check(condition, what) {
    if (!condition)
        fail(what);
    console.log(`ok - ${what}`);
}

// The whole run has a deadline; CTest's TIMEOUT is the second line of defence.
const deadline = setTimeout(() => fail('not done within 50 s'), 50000);

function startMock() {
    return new Promise((resolve, reject) => {
        mock = spawn(mockBinary, ['--port', '0', '--bind', '127.0.0.1',
                                  '--fixtures', path.join(source, 'fixtures'),
                                  '--scenarios', path.join(source, 'scenarios')],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
        const onData = (chunk) => {
            mockOutput += chunk.toString();
            const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(mockOutput);
            if (m)
                resolve(m[1]);
        };
        mock.stdout.on('data', onData);
        mock.stderr.on('data', onData);
        mock.on('error', (e) => reject(new Error(`cannot start ${mockBinary}: ${e.message}`)));
        mock.on('exit', (code, signal) => reject(new Error(`the mock exited (code ${code}, signal ${signal})`)));
    });
}

// A callback endpoint on 127.0.0.1 port 0: answers 200, hands each request's Authorization to `seen`.
function startReceiver(seen) {
    return new Promise((resolve) => {
        receiver = http.createServer((req, res) => {
            req.resume();
            req.on('end', () => {
                seen(req.headers.authorization ?? '');
                res.writeHead(200, { 'Content-Length': '0' });
                res.end();
            });
        });
        receiver.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${receiver.address().port}/callback`));
    });
}

async function getJson(url) {
    const res = await fetch(url);
    check(res.status === 200, `GET ${url} answers 200`);
    return res.json();
}

async function postForm(url, fields) {
    const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields) });
    const body = await res.json();
    check(res.status === 200, `POST ${url} (${fields.grant_type}) answers 200: ${JSON.stringify(body).slice(0, 200)}`);
    return body;
}

// Verifies a compact JWT against a JWKS: the key of its kid, RS256. Returns the claims, or null.
function verify(token, jwks) {
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    if (header.alg !== 'RS256' || header.typ !== 'JWT')
        return null;
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    if (!jwk || jwk.x5t !== header.x5t)
        return null;
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    const ok = crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
    return ok ? JSON.parse(Buffer.from(p, 'base64url').toString()) : null;
}

// The same check by the openssl command line: the JWK's public key as PEM, the signature as a file.
function opensslVerifies(token, jwks) {
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    const dir = mkdtempSync(path.join(tmpdir(), 'aad-verify-'));
    try {
        writeFileSync(path.join(dir, 'key.pem'), crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }));
        writeFileSync(path.join(dir, 'input'), `${h}.${p}`);
        writeFileSync(path.join(dir, 'signature'), Buffer.from(s, 'base64url'));
        const run = spawnSync('openssl', ['dgst', '-sha256', '-verify', path.join(dir, 'key.pem'),
                                          '-signature', path.join(dir, 'signature'), path.join(dir, 'input')],
                              { encoding: 'utf8', timeout: 10000 });
        return run.status === 0 && /Verified OK/.test(run.stdout);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

function checkLifetime(claims, what) {
    const now = Math.floor(Date.now() / 1000);
    check(claims.nbf <= now + 5 && now < claims.exp, `${what}: valid now (nbf ${claims.nbf}, exp ${claims.exp})`);
}

try {
    const base = await startMock();
    const metadata = await getJson(`${base}/contoso.com/.well-known/openid-configuration`);
    const jwks = await getJson(metadata.jwks_uri);
    check(jwks.keys.length >= 1 && jwks.keys[0].kty === 'RSA', 'the JWKS holds an RSA key');

    // The key's certificate (x5c) is that key, and x5t is its SHA-1 thumbprint.
    const der = Buffer.from(jwks.keys[0].x5c[0], 'base64');
    const certificate = new crypto.X509Certificate(der);
    const fromJwk = crypto.createPublicKey({ key: jwks.keys[0], format: 'jwk' });
    check(certificate.publicKey.export({ type: 'spki', format: 'der' })
              .equals(fromJwk.export({ type: 'spki', format: 'der' })), 'x5c holds the JWK\'s public key');
    check(crypto.createHash('sha1').update(der).digest('base64url') === jwks.keys[0].x5t, 'x5t is the certificate\'s SHA-1 thumbprint');

    // The WS-Federation metadata (what OWIN's Azure AD bearer middleware reads): the same issuer and certificate.
    const federation = await fetch(`${base}/contoso.com/federationmetadata/2007-06/federationmetadata.xml`);
    check(federation.status === 200, 'the WS-Federation metadata answers 200');
    const xml = await federation.text();
    check(new RegExp(`entityID="${metadata.issuer}"`).test(xml), 'its entityID is the OpenID issuer');
    check(/<X509Certificate>([^<]+)<\/X509Certificate>/.exec(xml)?.[1] === jwks.keys[0].x5c[0],
          'its signing certificate is the JWKS\'s x5c');

    // A client-credentials token (v1).
    const app = await postForm(metadata.token_endpoint, {
        grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret,
        resource: 'https://api.skypeforbusiness.com' });
    const appClaims = verify(app.access_token, jwks);
    check(appClaims !== null, 'the client-credentials token verifies against the JWKS');
    check(appClaims.iss === metadata.issuer, `its iss is the metadata's issuer (${appClaims.iss})`);
    check(appClaims.aud === 'https://api.skypeforbusiness.com' && appClaims.appid === clientId, 'its aud and appid');
    checkLifetime(appClaims, 'the client-credentials token');

    // A tampered token fails: the verifier can say no.
    const [h, p, s] = app.access_token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...appClaims, appid: 'someone-else' })).toString('base64url');
    check(verify(`${h}.${forged}.${s}`, jwks) === null, 'a tampered token does not verify');

    // A password-grant token (v2 endpoint, from the v2 metadata).
    const v2 = await getJson(`${base}/contoso.com/v2.0/.well-known/openid-configuration`);
    const v2jwks = await getJson(v2.jwks_uri);
    const user = await postForm(v2.token_endpoint, {
        grant_type: 'password', client_id: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', username: 'alice@contoso.com',
        password: 'alice-password', scope: 'https://api.skypeforbusiness.com/.default openid' });
    const userClaims = verify(user.access_token, v2jwks);
    check(userClaims !== null, 'the password-grant token verifies against the v2 JWKS');
    check(userClaims.upn === 'alice@contoso.com' && userClaims.iss === metadata.issuer, 'its upn and iss');

    // A callback's JWT: startMessaging with the application's token, the callback to our receiver.
    let resolveCallback;
    const callbackToken = new Promise((r) => { resolveCallback = r; });
    const callbackUrl = await startReceiver((authorization) => resolveCallback(authorization));
    const started = await fetch(`${base}/v1/applications/833/communication/startMessaging`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.access_token}` },
        body: JSON.stringify({ operationId: 'node-1', to: 'sip:john@contoso.com', callbackUrl }) });
    check(started.status === 201, `startMessaging with the token answers 201 (got ${started.status})`);
    const authorization = await callbackToken;
    check(authorization.startsWith('Bearer '), 'the callback carries Authorization: Bearer');
    const callbackClaims = verify(authorization.slice(7), jwks);
    check(callbackClaims !== null, 'the callback\'s JWT verifies against the JWKS');
    if (spawnSync('openssl', ['version']).status === 0) {
        check(opensslVerifies(authorization.slice(7), jwks), 'openssl dgst -verify agrees on the callback\'s JWT');
        check(opensslVerifies(app.access_token, jwks), 'openssl dgst -verify agrees on the client-credentials token');
        check(!opensslVerifies(`${h}.${forged}.${s}`, jwks), 'openssl dgst -verify refuses the tampered token');
    }
    check(callbackClaims.iss === metadata.issuer, 'its iss is the tenant\'s issuer');
    check(callbackClaims.aud === clientId, 'its aud is the application\'s client id');
    check(callbackClaims.appid === '00000004-0000-0ff1-ce00-000000000000', 'its appid is Skype for Business Online\'s');
    check(callbackClaims.exp - callbackClaims.iat === 3900, 'exp - iat is 3900 s');
    checkLifetime(callbackClaims, 'the callback\'s JWT');
} catch (e) {
    fail(e.stack ?? String(e));
}

clearTimeout(deadline);
receiver?.close();
receiver?.closeAllConnections?.();
mock.removeAllListeners('exit');
mock.kill('SIGTERM');
console.log('all checks passed');
