// ucwa-mock's XFrame page in a real browser: headless Chromium (Debian's), driven by playwright-core.
//
// A host page of our own, on another origin than the mock, frames the mock's /xframe and sends every
// request through it by postMessage, in the shape of the UCWA web library's Transport.js. The flow is
// the one a UCWA web client walks: discovery, the MsRtcOAuth challenge, the password grant, an
// application, makeMeAvailable, the event channel, an IM conversation with an echo, stop.
//
// With --incoming a person writes to the client instead (IncomingConversation.js's flow): an
// invitation started by POST /__admin/incoming, accepted, a message each way, ended by the client.
//
// With --https the same flow runs over TLS under the name the web library discovers, as against
// the real service: Chromium maps lyncdiscover.contoso.com:443 to the mock's TLS port and trusts
// the certificate the mock made at start (checked first against the CA at /__admin/ca.pem).
//
// usage: node run.mjs PATH/TO/ucwa-mock [SOURCE_DIR] [--https] [--incoming]
// Exits 0 when every check holds; otherwise prints what differed and exits 1.

import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const overTls = process.argv.includes('--https');
const incoming = process.argv.includes('--incoming');
const mockBinary = positional[0];
// fixtures/ and scenarios/ of the source tree (the second argument, or the tree this file is in).
const source = path.resolve(positional[1] || path.join(here, '..', '..'));
// The discovery name Microsoft's web library builds for contoso.com, served over https on 443.
const discoveryName = 'lyncdiscover.contoso.com';
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const deadlineMs = Number(process.env.BROWSER_TEST_DEADLINE_MS || 60000);
const stepMs = 15000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(2)} s`;
let step = 'start';
let mock = null;
let mockOutput = '';
let browser = null;
let hostServer = null;

class Failure extends Error {}

function fail(message) {
    throw new Failure(message);
}

function check(condition, message) {
    if (!condition)
        fail(message);
}

function equal(actual, expected, what) {
    if (JSON.stringify(actual) !== JSON.stringify(expected))
        fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function log(message) {
    console.log(`[${elapsed()}] ${message}`);
}

async function within(ms, promise, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Failure(`${what}: no answer within ${ms} ms`)), ms);
    });
    try {
        return await Promise.race([promise, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

async function until(condition, what, ms = stepMs) {
    const end = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > end)
            fail(`${what}: not seen within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 20));
    }
}

// ---- the mock, on 127.0.0.1 port 0 -------------------------------------------------------------

function startMock() {
    return new Promise((resolve, reject) => {
        mock = spawn(mockBinary, ['--port', '0', '--bind', '127.0.0.1',
                                  ...(overTls ? ['--tls-port', '0'] : []),
                                  '--fixtures', path.join(source, 'fixtures'),
                                  '--scenarios', path.join(source, 'scenarios')],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
        let found = false;
        const timer = setTimeout(() => reject(new Failure('the mock printed no "listening on" line within 20 s')), 20000);
        const onData = (chunk) => {
            mockOutput += chunk.toString();
            const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(mockOutput);
            const t = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(mockOutput);
            if (m && (t || !overTls) && !found) {
                found = true;
                clearTimeout(timer);
                resolve({ plain: m[1], tlsPort: t ? Number(t[1]) : null });
            }
        };
        mock.stdout.on('data', onData);
        mock.stderr.on('data', onData);
        mock.on('error', (e) => { clearTimeout(timer); mock = null; reject(new Failure(`cannot start ${mockBinary}: ${e.message}`)); });
        mock.on('exit', (code, signal) => {
            if (!found) {
                clearTimeout(timer);
                mock = null;
                reject(new Failure(`the mock exited before listening (code ${code}, signal ${signal})`));
            }
        });
    });
}

// The mock's certificate, as served under the discovery name: it must verify against the CA the mock
// serves at /__admin/ca.pem; Chromium is then told to trust its key (a hash of its SubjectPublicKeyInfo).
async function trustedKeyHash(adminOrigin, tlsPort) {
    const ca = await (await fetch(`${adminOrigin}/__admin/ca.pem`)).text();
    check(ca.includes('BEGIN CERTIFICATE'), `GET /__admin/ca.pem: not a PEM certificate: ${ca.slice(0, 200)}`);
    const leaf = await new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: tlsPort, servername: discoveryName, ca }, () => {
            const raw = socket.getPeerCertificate().raw;
            socket.end();
            resolve(raw);
        });
        socket.on('error', (e) => reject(new Failure(`TLS to the mock as ${discoveryName}, trusting /__admin/ca.pem: ${e.message}`)));
    });
    const spki = new X509Certificate(leaf).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('base64');
}

async function stopMock() {
    if (!mock || mock.exitCode !== null || mock.signalCode !== null)
        return mock ? { code: mock.exitCode, signal: mock.signalCode } : null;
    const exited = new Promise((resolve) => mock.on('exit', (code, signal) => resolve({ code, signal })));
    mock.kill('SIGTERM');
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), 15000); });
    const result = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (!result) {
        mock.kill('SIGKILL');
        return { code: null, signal: 'SIGKILL (no exit within 15 s of SIGTERM)' };
    }
    return result;
}

// ---- the host page, on its own origin ----------------------------------------------------------

async function startHost() {
    const page = await readFile(path.join(here, 'host.html'));
    hostServer = http.createServer((req, res) => {
        if (req.method === 'GET' && req.url.startsWith('/host.html')) {
            res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
            res.end(page);
        } else if (req.url === '/favicon.ico') {
            res.writeHead(204);
            res.end();
        } else {
            res.writeHead(404, { 'Content-Type': 'text/plain' });
            res.end('not found');
        }
    });
    await new Promise((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
    return `http://localhost:${hostServer.address().port}`;
}

// ---- the flow ----------------------------------------------------------------------------------

// Header names as the library reads them: case-sensitive, from the frame's "Name: value" lines.
function headerLines(reply) {
    check(typeof reply.headers === 'string', `${step}: the reply's headers are not a string: ${JSON.stringify(reply.headers)}`);
    return reply.headers.split('\r\n').filter((l) => l.includes(':')).map((l) => {
        const colon = l.indexOf(':');
        return { name: l.slice(0, colon), value: l.slice(colon + 1).trim() };
    });
}

function header(reply, name) {
    const found = headerLines(reply).filter((h) => h.name === name);
    return found.length ? found.map((h) => h.value).join(', ') : undefined;
}

function json(reply) {
    const type = header(reply, 'Content-Type');
    check(type !== undefined && type.includes('application/json'),
          `${step}: no title-cased Content-Type with application/json in the reply's headers:\n${reply.headers}`);
    try {
        return JSON.parse(reply.responseText);
    } catch (e) {
        fail(`${step}: the body is not JSON (${e.message}): ${reply.responseText}`);
    }
}

async function run() {
    check(mockBinary, 'usage: node run.mjs PATH/TO/ucwa-mock [SOURCE_DIR]');
    step = 'start the mock';
    const listening = await startMock();
    // Node talks to the admin API over plain http on 127.0.0.1; the browser uses mockOrigin.
    const adminOrigin = listening.plain;
    const mockOrigin = overTls ? `https://${discoveryName}` : listening.plain;
    const hostOrigin = await startHost();
    log(`mock on ${mockOrigin}, host page on ${hostOrigin}`);
    check(new URL(mockOrigin).origin !== new URL(hostOrigin).origin, 'the host page must be on another origin than the mock');

    step = 'launch Chromium';
    browser = await chromium.launch({
        executablePath: chromiumPath,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync',
               ...(overTls ? [`--host-resolver-rules=MAP ${discoveryName}:443 127.0.0.1:${listening.tlsPort}`,
                              `--ignore-certificate-errors-spki-list=${await trustedKeyHash(adminOrigin, listening.tlsPort)}`]
                           : [])],
        timeout: 30000,
    });
    const page = await browser.newPage();
    const problems = [];
    const consoleErrors = [];
    page.on('dialog', async (d) => {
        problems.push(`a ${d.type()} dialog: ${d.message()}`);
        await d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('crash', () => problems.push('the page crashed'));
    page.on('console', (m) => {
        if (m.type() === 'error')
            consoleErrors.push(`${m.location().url}: ${m.text()}`);
    });

    step = 'open the host page and wait for the XFrame';
    const xframe = `${mockOrigin}/xframe`;
    await page.goto(`${hostOrigin}/host.html?xframe=${encodeURIComponent(xframe)}`, { timeout: stepMs });
    const ready = await within(stepMs, page.evaluate(() => window.ready), 'the GET of the xframe through the frame');
    equal(ready.status, 200, 'the XFrame ready signal (GET of the xframe itself)');
    equal(ready.origin, mockOrigin, 'the origin the replies come from');
    check(header(ready, 'Content-Type')?.startsWith('text/html'), `the xframe is not text/html:\n${ready.headers}`);
    // The frame really is cross-origin: its document is out of the host page's reach.
    const walled = await page.evaluate(() => {
        try {
            return document.querySelector('iframe').contentWindow.document === null ? 'null' : 'reachable';
        } catch (e) {
            return e.name;
        }
    });
    equal(walled, 'SecurityError', 'reading the framed document from the host page');
    log('XFrame ready, cross-origin');

    const abs = (href) => (/^https?:\/\//.test(href) ? href : mockOrigin + href);
    let authorization = null;
    const send = async (type, url, { headers = {}, data = '' } = {}) => {
        const all = { Accept: 'application/json', ...headers };
        if (authorization)
            all.Authorization = authorization;
        const reply = await within(stepMs, page.evaluate(([t, u, h, d]) => window.frameRequest(t, u, h, d), [type, url, all, data]),
                                   `${type.toUpperCase()} ${url}`);
        check(reply.messageId && typeof reply.status === 'number', `${step}: a reply without messageId or status: ${JSON.stringify(reply)}`);
        // Chromium gives the frame lower-case names; the library can only read them as servers spell them.
        const lower = headerLines(reply).filter((h) => /[a-z]/.test(h.name) && h.name === h.name.toLowerCase());
        check(lower.length === 0, `${step}: header names came back lower-case: ${lower.map((h) => h.name).join(', ')}`);
        return reply;
    };

    step = 'GET / (autodiscover root)';
    const root = await send('get', `${mockOrigin}/`);
    equal(root.status, 200, step);
    const rootDoc = json(root);
    const userHref = rootDoc._links?.user?.href;
    check(userHref?.startsWith(`${mockOrigin}/`), `${step}: _links.user is not absolute on the mock's origin: ${userHref}`);
    check(rootDoc._links?.xframe?.href?.startsWith(`${mockOrigin}/`), `${step}: _links.xframe is not absolute on the mock's origin`);

    step = 'GET user without a token';
    const challenge = await send('get', userHref);
    equal(challenge.status, 401, step);
    const wwwAuthenticate = header(challenge, 'WWW-Authenticate');
    check(wwwAuthenticate?.includes('MsRtcOAuth'), `${step}: no MsRtcOAuth in a WWW-Authenticate header:\n${challenge.headers}`);
    const tokenUrl = /MsRtcOAuth href="([^"]+)"/.exec(wwwAuthenticate)?.[1];
    check(tokenUrl?.startsWith(`${mockOrigin}/`), `${step}: the challenge's href is not on the mock's origin: ${wwwAuthenticate}`);

    // As Authentication.js posts it, charset quotes and all.
    const form = { 'Content-Type': "application/x-www-form-urlencoded;charset='utf-8'" };
    step = 'POST the token form with a wrong password';
    const refused = await send('post', tokenUrl, {
        headers: form, data: 'grant_type=password&username=alice%40contoso.com&password=not-her-password' });
    equal(refused.status, 400, step);
    equal(json(refused).error, 'invalid_grant', `${step}: error`);

    step = 'POST the token form (password grant, alice)';
    const granted = await send('post', tokenUrl, {
        headers: form, data: 'grant_type=password&username=alice%40contoso.com&password=alice-password' });
    equal(granted.status, 200, step);
    const token = json(granted);
    equal(token.token_type, 'Bearer', `${step}: token_type`);
    check(token.access_token?.startsWith('cwt='), `${step}: access_token ${token.access_token}`);
    authorization = `${token.token_type} ${token.access_token}`;
    log('signed in as alice');

    step = 'GET user with the token';
    const user = await send('get', userHref);
    equal(user.status, 200, step);
    const userDoc = json(user);
    const applicationsHref = userDoc._links?.applications?.href;
    check(applicationsHref, `${step}: no _links.applications`);
    equal(userDoc._links?.xframe?.href, rootDoc._links.xframe.href, `${step}: the xframe link`);

    step = 'POST application';
    const endpointId = `browser-${Date.now()}`;
    const created = await send('post', abs(applicationsHref), {
        headers: { 'Content-Type': 'application/json' },
        data: JSON.stringify({ userAgent: 'ucwa-mock browser test', endpointId, culture: 'en-US' }) });
    equal(created.status, 201, step);
    const application = json(created);
    const appHref = application._links?.self?.href;
    const eventsHref = application._links?.events?.href;
    const makeMeAvailable = application._embedded?.me?._links?.makeMeAvailable?.href;
    const startMessaging = application._embedded?.communication?._links?.startMessaging?.href;
    check(appHref && eventsHref && makeMeAvailable && startMessaging,
          `${step}: the application lacks self, events, makeMeAvailable or startMessaging: ${created.responseText}`);
    const applicationId = appHref.split('/').pop();

    step = 'POST makeMeAvailable';
    const available = await send('post', abs(makeMeAvailable), {
        headers: { 'Content-Type': 'application/json' }, data: JSON.stringify({ SupportedModalities: ['Messaging'] }) });
    equal(available.status, 204, step);
    equal(available.responseText, '', `${step}: body`);

    step = 'GET application';
    const again = await send('get', abs(appHref));
    equal(again.status, 200, step);
    equal(json(again)._links.self.href, appHref, `${step}: self`);
    log(`application ${applicationId} created, available`);

    // The event channel, read as Events.js reads it: the next P-GET goes out before the events are
    // looked at; resync before next; anything but 200 JSON with a link ends the channel.
    const events = [];
    const channel = { pgets: 0, failure: null, stopped: false };
    const readChannel = async () => {
        let next = eventsHref;
        while (!channel.stopped) {
            let reply;
            try {
                reply = await page.evaluate(([u, h]) => window.frameRequest('get', u, h, ''),
                                            [abs(next), { Accept: 'application/json', Authorization: authorization }]);
            } catch (e) {
                if (!channel.stopped)
                    channel.failure = `P-GET ${next}: ${e.message}`;
                return;
            }
            channel.pgets += 1;
            if (reply.status !== 200) {
                channel.failure = `P-GET ${next}: status ${reply.status}: ${reply.responseText}`;
                return;
            }
            let doc;
            try {
                const type = header(reply, 'Content-Type') || '';
                check(type.includes('application/json'), `P-GET ${next}: Content-Type ${type}`);
                doc = JSON.parse(reply.responseText);
            } catch (e) {
                channel.failure = e.message;
                return;
            }
            const following = doc._links?.resync?.href || doc._links?.next?.href;
            if (!following) {
                channel.failure = `P-GET ${next}: neither resync nor next: ${reply.responseText}`;
                return;
            }
            next = following;
            for (const sender of doc.sender || [])
                for (const e of sender.events || []) {
                    const embedded = e._embedded ? e._embedded[e.link.rel] : undefined;
                    if (e._embedded && !embedded)
                        channel.failure = `event ${e.link.rel} ${e.type}: _embedded lacks the key ${e.link.rel}`;
                    events.push({ sender: sender.rel, rel: e.link.rel, href: e.link.href, type: e.type,
                                  state: embedded?.state, status: e.status, embedded });
                }
        }
    };
    const seen = (pred) => events.find(pred);
    const waitFor = async (what, pred) => {
        await until(() => channel.failure || seen(pred), `event ${what}`);
        check(!channel.failure, `event channel: ${channel.failure}`);
        return seen(pred);
    };
    const reading = readChannel();

    step = 'P-GET the event channel';
    await waitFor('me updated', (e) => e.rel === 'me' && e.type === 'updated');

    const dataText = (href) => decodeURIComponent((href || '').slice((href || '').indexOf(',') + 1).replace(/\+/g, ' '));
    const incomingMessage = (text) => (e) => e.rel === 'message' && e.type === 'completed' &&
        e.embedded?.direction === 'Incoming' && dataText(e.embedded?._links?.plainMessage?.href) === text;

    // A person writes to alice; her client answers as IncomingConversation.js does.
    async function incomingFlow() {
        step = 'a person invites alice (POST /__admin/incoming)';
        const first = 'Hi Alice, are you there?';
        const invited = await fetch(`${adminOrigin}/__admin/incoming?app=${applicationId}`, {
            method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ from: 'sip:lene@contoso.com', name: 'Lene Aaling', message: first }) });
        equal(invited.status, 201, step);
        const started = await invited.json();

        step = 'the incoming invitation';
        const invitation = await waitFor('messagingInvitation started',
                                         (e) => e.rel === 'messagingInvitation' && e.type === 'started');
        const inv = invitation.embedded;
        equal(inv?.direction, 'Incoming', `${step}: direction`);
        equal(inv?.state, 'Connecting', `${step}: state`);
        equal(inv?._embedded?.from?.name, 'Lene Aaling', `${step}: from.name`);
        const fromContact = inv?._embedded?.from?._links?.contact?.href;
        const accept = inv?._links?.accept?.href;
        check(fromContact && accept && inv?._links?.decline?.href,
              `${step}: from's contact, accept or decline missing: ${JSON.stringify(inv)}`);
        check(!accept.includes('?'), `${step}: the accept href carries a query (the library appends ?sessionContext=): ${accept}`);
        equal(dataText(inv?._links?.message?.href), first, `${step}: the message link's text`);
        await waitFor('conversation added Incoming', (e) => e.rel === 'conversation' && e.type === 'added' && e.state === 'Incoming');
        log('incoming invitation shown');

        step = 'POST accept?sessionContext= (no body)';
        const accepted = await send('post', `${abs(accept)}?sessionContext=ctx-${Date.now()}`);
        equal(accepted.status, 204, `${step} (exactly 204, as IncomingConversation.js checks)`);
        const connected = await waitFor('messaging updated Connected',
                                        (e) => e.rel === 'messaging' && e.type === 'updated' && e.state === 'Connected');
        const conversation = await waitFor('conversation updated Connected',
                                           (e) => e.rel === 'conversation' && e.type === 'updated' && e.state === 'Connected');
        check(conversation.embedded?._links?.addParticipant?.href,
              `conversation updated Connected lacks addParticipant: ${JSON.stringify(conversation.embedded?._links)}`);
        await waitFor('messagingInvitation completed Success',
                      (e) => e.rel === 'messagingInvitation' && e.type === 'completed' && e.status === 'Success');
        const again = await waitFor('the first message as a message', incomingMessage(first));
        check(/^\/Date\(\d+\)\/$/.test(again.embedded?.timeStamp || ''), `the message's timeStamp: ${again.embedded?.timeStamp}`);
        equal(again.embedded?._links?.contact?.href, fromContact, 'the message\'s contact, as the library compares it with from\'s');
        const sendMessage = connected.embedded?._links?.sendMessage?.href;
        const stopMessaging = connected.embedded?._links?.stopMessaging?.href;
        check(sendMessage && stopMessaging, `messaging Connected lacks sendMessage or stopMessaging: ${JSON.stringify(connected.embedded)}`);
        log('accepted, connected');

        step = 'POST sendMessage (the reply)';
        const reply = 'Yes, I am here';
        const sent = await send('post', `${abs(sendMessage)}?operationContext=ctx-${Date.now()}`, {
            headers: { 'Content-Type': 'text/plain' }, data: reply });
        equal(sent.status, 201, step);
        await waitFor('the reply delivered', (e) => e.rel === 'message' && e.type === 'completed' &&
                      e.embedded?.direction === 'Outgoing');

        step = 'the person writes (POST /__admin/incoming/…/say)';
        const said = await fetch(`${adminOrigin}${started.links.say}`, {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'Great, bye' }) });
        equal(said.status, 200, step);
        await waitFor('the person\'s message', incomingMessage('Great, bye'));
        log('a message each way');

        step = 'POST stopMessaging';
        equal((await send('post', abs(stopMessaging))).status, 204, step);
        await waitFor('messaging updated Disconnected',
                      (e) => e.rel === 'messaging' && e.type === 'updated' && e.state === 'Disconnected');
        await waitFor('conversation updated Disconnected',
                      (e) => e.rel === 'conversation' && e.type === 'updated' && e.state === 'Disconnected');
        await waitFor('conversation deleted', (e) => e.rel === 'conversation' && e.type === 'deleted');
        channel.stopped = true;
        log(`conversation ended; ${events.length} events in ${channel.pgets} P-GETs`);

        step = 'the server\'s view';
        const listed = await (await fetch(`${adminOrigin}/__admin/conversations?app=${applicationId}`)).json();
        const c = listed.conversations?.[0];
        equal(c?.direction, 'Incoming', `${step}: direction`);
        equal(c?.from, 'sip:lene@contoso.com', `${step}: from`);
        equal(c?.messages?.map((m) => `${m.direction} ${m.text}`),
              [`Incoming ${first}`, `Outgoing ${reply}`, 'Incoming Great, bye'], `${step}: the messages`);

        step = 'the page';
        check(problems.length === 0, `the page had problems:\n  ${problems.join('\n  ')}`);
        const unexpected = consoleErrors.filter((m) => !/status of (401|400) /.test(m));
        check(unexpected.length === 0, `console errors:\n  ${unexpected.join('\n  ')}`);
        void reading;
        const journal = await (await fetch(`${adminOrigin}/__admin/requests`)).json();
        return { events: events.length, pgets: channel.pgets, requests: journal.requests.length };
    }

    if (incoming)
        return await incomingFlow();

    step = 'POST startMessaging';
    const operationId = `op-${Date.now()}`;
    const start = await send('post', abs(startMessaging), {
        headers: { 'Content-Type': 'application/json' },
        data: JSON.stringify({ importance: 'Normal', sessionContext: `ctx-${Date.now()}`, operationId,
                               subject: 'Browser test', telemetryId: null, to: 'sip:bob@contoso.com' }) });
    equal(start.status, 201, `${step} (exactly 201, as OutgoingConversation.js checks)`);

    step = 'the conversation events';
    const invitation = await waitFor('messagingInvitation started',
                                     (e) => e.rel === 'messagingInvitation' && e.type === 'started');
    equal(invitation.embedded?.operationId, operationId, 'messagingInvitation started: operationId');
    await waitFor('conversation added', (e) => e.rel === 'conversation' && e.type === 'added');
    const connected = await waitFor('messaging updated Connected',
                                    (e) => e.rel === 'messaging' && e.type === 'updated' && e.state === 'Connected');
    await waitFor('messagingInvitation completed', (e) => e.rel === 'messagingInvitation' && e.type === 'completed');
    const sendMessage = connected.embedded?._links?.sendMessage?.href;
    const stopMessaging = connected.embedded?._links?.stopMessaging?.href;
    check(sendMessage && stopMessaging, `messaging Connected lacks sendMessage or stopMessaging: ${JSON.stringify(connected.embedded)}`);
    check(!sendMessage.includes('?'), `the sendMessage href carries a query: ${sendMessage}`);
    log('conversation connected');

    step = 'POST sendMessage?OperationContext=';
    const text = 'Hello from Chromium';
    const sent = await send('post', `${abs(sendMessage)}?OperationContext=ctx-${Date.now()}`, {
        headers: { 'Content-Type': 'text/plain' }, data: text });
    equal(sent.status, 201, step);
    step = 'the echo';
    const echo = await waitFor('message completed Incoming',
                               (e) => e.rel === 'message' && e.type === 'completed' && e.embedded?.direction === 'Incoming');
    const plain = echo.embedded?._links?.plainMessage?.href || '';
    const decoded = decodeURIComponent(plain.slice(plain.indexOf(',') + 1).replace(/\+/g, ' '));
    equal(decoded, text, 'the echo\'s plainMessage text');
    check(/^\/Date\(\d+\)\/$/.test(echo.embedded?.timeStamp || ''), `the echo's timeStamp: ${echo.embedded?.timeStamp}`);
    // The sender, looked up as OutgoingConversation.js does: the message's contact link.
    const contactHref = echo.embedded?._links?.contact?.href;
    check(contactHref, `the echo has no contact link: ${JSON.stringify(echo.embedded?._links)}`);
    const contact = await send('get', abs(contactHref));
    equal(contact.status, 200, `GET ${contactHref}`);
    equal(json(contact).name, 'Bob Jones', 'the echo\'s sender name');
    log('echo received');

    step = 'POST stopMessaging';
    const stopped = await send('post', abs(stopMessaging));
    equal(stopped.status, 204, step);
    step = 'the teardown events';
    await waitFor('messaging updated Disconnected',
                  (e) => e.rel === 'messaging' && e.type === 'updated' && e.state === 'Disconnected');
    await waitFor('conversation updated Disconnected',
                  (e) => e.rel === 'conversation' && e.type === 'updated' && e.state === 'Disconnected');
    await waitFor('conversation deleted', (e) => e.rel === 'conversation' && e.type === 'deleted');
    channel.stopped = true;
    log(`conversation ended; ${events.length} events in ${channel.pgets} P-GETs`);

    // The server's view: what reached it, and with which headers.
    step = 'the journal';
    const journal = await (await fetch(`${adminOrigin}/__admin/requests`)).json();
    const entries = journal.requests;
    const get = (headers, name) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const fromFrame = entries.filter((r) => get(r.headers, 'Sec-Fetch-Dest') !== 'iframe');
    const navigations = entries.filter((r) => get(r.headers, 'Sec-Fetch-Dest') === 'iframe');
    equal(navigations.map((r) => `${r.method} ${r.target} ${r.status}`), ['GET /xframe 200'], 'the frame\'s own load');
    for (const r of fromFrame) {
        equal(get(r.headers, 'X-Ms-Origin'), hostOrigin, `X-Ms-Origin of ${r.method} ${r.target}`);
        equal(get(r.headers, 'X-Requested-With'), 'XMLHttpRequest', `X-Requested-With of ${r.method} ${r.target}`);
    }
    const pathOf = (href) => new URL(abs(href)).pathname;
    // The user href carries ?originalDomain=, as discovery gives it.
    const targetOf = (href) => { const url = new URL(abs(href)); return url.pathname + url.search; };
    const calls = fromFrame.filter((r) => !r.target.startsWith(`${pathOf(eventsHref)}?`))
                           .map((r) => `${r.method} ${r.target.replace(/\?OperationContext=.*/, '?OperationContext=…')} ${r.status}`);
    equal(calls, [
        'GET /xframe 200',
        'GET / 200',
        `GET ${targetOf(userHref)} 401`,
        `POST ${pathOf(tokenUrl)} 400`,
        `POST ${pathOf(tokenUrl)} 200`,
        `GET ${targetOf(userHref)} 200`,
        `POST ${pathOf(applicationsHref)} 201`,
        `POST ${pathOf(makeMeAvailable)} 204`,
        `GET ${pathOf(appHref)} 200`,
        `POST ${pathOf(startMessaging)} 201`,
        `POST ${pathOf(sendMessage)}?OperationContext=… 201`,
        `GET ${pathOf(contactHref)} 200`,
        `POST ${pathOf(stopMessaging)} 204`,
    ], 'the requests the mock received (event requests aside), in order');
    const sentMessage = fromFrame.find((r) => r.target.includes('?OperationContext='));
    equal(sentMessage.body, text, 'the message body as the mock received it');

    step = 'the page';
    check(problems.length === 0, `the page had problems:\n  ${problems.join('\n  ')}`);
    // Chromium logs the expected 401 and 400 as failed loads; anything else is a fault.
    const unexpected = consoleErrors.filter((m) => !/status of (401|400) /.test(m));
    check(unexpected.length === 0, `console errors:\n  ${unexpected.join('\n  ')}`);
    void reading;
    return { events: events.length, pgets: channel.pgets, requests: entries.length };
}

async function cleanUp() {
    if (browser)
        await within(10000, browser.close(), 'closing Chromium').catch((e) => console.error(`ucwa-mock browser test: ${e.message}`));
    if (hostServer) {
        hostServer.closeAllConnections?.();
        hostServer.close();
    }
    return stopMock();
}

const deadline = setTimeout(() => {
    console.error(`FAIL: ucwa-mock browser test: the ${deadlineMs / 1000} s deadline passed during "${step}"`);
    console.error(`--- mock output ---\n${mockOutput}`);
    if (mock)
        mock.kill('SIGKILL');
    process.exit(1);
}, deadlineMs);

let exitCode = 0;
try {
    const figures = await run();
    log(`flow done: ${figures.requests} requests journaled, ${figures.events} events in ${figures.pgets} P-GETs`);
} catch (e) {
    exitCode = 1;
    console.error(`FAIL: ucwa-mock browser test, at "${step}": ${e instanceof Failure ? e.message : e.stack}`);
}
const exit = await cleanUp();
clearTimeout(deadline);
if (exit && (exit.code !== 0 || exit.signal)) {
    exitCode = 1;
    console.error(`FAIL: ucwa-mock browser test: the mock did not exit cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal})`);
}
if (exitCode !== 0)
    console.error(`--- mock output ---\n${mockOutput}`);
else
    console.log(`PASS: ucwa-mock browser test (XFrame in headless Chromium${overTls ? `, over https as ${discoveryName}` : ''}` +
                `${incoming ? ', a person writes to the client' : ''}), ${elapsed()}`);
process.exit(exitCode);
