// ucwa-mock's dashboard (GET /__admin/ui) in a real browser: headless Chromium (Debian's), driven by
// playwright-core, at 1280 × 800.
//
// The real mock on port 0. Node drives two conversations while the page is open: a Trusted API
// startMessaging whose callbacks go to a receiver here that fails the first event once (so the mock
// retries it), and a person's (user flavour) conversation whose events go through the event
// channel (P-GETs). The page must show, live and without a reload: the journal's rows, the Trusted
// conversation as a sequence diagram with its arrows in time order, the retried delivery, the event
// channel, and a scenario switched from the page (a bad pasted document first, with its error shown).
// It takes two screenshots (the journal and a sequence diagram). Then, against a mock with
// --admin-token, the page asks for the token, keeps it for the tab and goes live.
//
// usage: node dashboard.mjs PATH/TO/ucwa-mock [SOURCE_DIR] [--screenshots DIR]
// Exits 0 when every check holds; otherwise prints what differed and exits 1.

import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const shotsAt = args.indexOf('--screenshots');
const shotsDir = shotsAt >= 0 ? path.resolve(args[shotsAt + 1]) : null;
const positional = args.filter((a, i) => !a.startsWith('--') && (shotsAt < 0 || i !== shotsAt + 1));
const mockBinary = positional[0];
const source = path.resolve(positional[1] || path.join(here, '..', '..'));
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const deadlineMs = Number(process.env.BROWSER_TEST_DEADLINE_MS || 75000);
const stepMs = 15000;
const reference = 'Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(2)} s`;
let step = 'start';
let mock = null;
let mockOutput = '';
let browser = null;
let receiver = null;
let openPage = null;

class Failure extends Error {}
function fail(message) { throw new Failure(message); }
function check(condition, message) { if (!condition) fail(message); }
function equal(actual, expected, what) {
    if (JSON.stringify(actual) !== JSON.stringify(expected))
        fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
function log(message) { console.log(`[${elapsed()}] ${message}`); }

// Polls a condition of the mock's admin API (Node side) until it holds.
async function until(condition, what, ms = stepMs) {
    const end = Date.now() + ms;
    for (;;) {
        const value = await condition();
        if (value)
            return value;
        if (Date.now() > end)
            fail(`${what}: not seen within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

// ---- the mock, on 127.0.0.1 port 0 -------------------------------------------------------------

function startMock(extra = []) {
    return new Promise((resolve, reject) => {
        mock = spawn(mockBinary, ['--port', '0', '--bind', '127.0.0.1', '--callback-retries', '3', ...extra,
                                  '--fixtures', path.join(source, 'fixtures'),
                                  '--scenarios', path.join(source, 'scenarios')],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
        let found = false;
        const timer = setTimeout(() => reject(new Failure('the mock printed no "listening on" line within 20 s')), 20000);
        const onData = (chunk) => {
            mockOutput += chunk.toString();
            const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(mockOutput);
            if (m && !found) {
                found = true;
                clearTimeout(timer);
                resolve(m[1]);
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

// ---- the callback receiver: the first event fails with 503 once ------------------------------

const received = [];
function startReceiver() {
    return new Promise((resolve) => {
        let failed = false;
        receiver = http.createServer((req, res) => {
            let body = '';
            req.on('data', (c) => { body += c; });
            req.on('end', () => {
                received.push(body);
                // The first POST is the probe; the next, the conversation's first event, fails once.
                if (received.length === 2 && !failed) {
                    failed = true;
                    res.writeHead(503, { 'Content-Type': 'text/plain' });
                    res.end('busy, try again');
                    return;
                }
                res.writeHead(200, { 'Content-Length': '0' });
                res.end();
            });
        });
        receiver.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${receiver.address().port}`));
    });
}

// ---- the mock's clients (Node) -----------------------------------------------------------------

let origin = '';
async function call(method, target, { body, type, auth } = {}) {
    const headers = {};
    if (type) headers['Content-Type'] = type;
    if (auth) headers.Authorization = auth;
    const res = await fetch(origin + target, { method, headers, body });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, text, json, headers: res.headers };
}

async function trustedConversation(callbackUrl) {
    step = 'Trusted API: startMessaging with a callback URL';
    const start = await call('POST', '/v1/applications/833/communication/startMessaging', {
        auth: reference, type: 'application/json',
        body: JSON.stringify({ to: 'sip:john@contoso.com', operationId: 'dashboard-1', subject: 'Dashboard',
                               callbackUrl, _links: { message: { href: 'data:text/plain;base64,SGVsbG8gZnJvbSB0aGUgYm90' } } }) });
    equal(start.status, 201, step);
    step = 'Trusted API: the conversation is connected';
    const conversation = await until(async () => {
        const list = (await call('GET', '/__admin/conversations?app=833')).json;
        return list.conversations.find((c) => c.messagingState === 'Connected');
    }, step);
    step = 'Trusted API: sendMessage';
    const sent = await call('POST', `/v1/applications/833/communication/conversations/${conversation.id}/messaging/messages`, {
        auth: reference, type: 'text/plain', body: 'Where is my parcel?' });
    equal(sent.status, 201, step);
    step = 'Trusted API: the retried event delivered, the echo in the conversation';
    let attempts = [];
    await until(async () => {
        attempts = (await call('GET', '/__admin/events?app=833')).json.attempts;
        const retried = attempts.some((a) => a.kind === 'event' && a.attempt === 2 && a.status === 200);
        const list = (await call('GET', '/__admin/conversations?app=833')).json;
        const echoed = list.conversations.some((c) => c.messages.some((m) => m.direction === 'Incoming' && m.status === 'Success'));
        return retried && echoed;
    }, step).catch((e) => {
        const seen = attempts.map((a) => `${a.kind} #${a.attempt} ${a.status} ${a.error}`).join(', ');
        fail(`${e.message}; attempts: ${seen}; received ${received.length}: ${received.map((b) => b.slice(0, 120)).join(' | ')}`);
    });
    return conversation.id;
}

async function userConversation() {
    step = 'user flavour: sign in, an application, makeMeAvailable';
    const token = await call('POST', '/WebTicket/oauthtoken', {
        type: 'application/x-www-form-urlencoded', body: 'grant_type=password&username=alice%40contoso.com&password=alice-password' });
    equal(token.status, 200, 'POST /WebTicket/oauthtoken');
    const auth = `Bearer ${token.json.access_token}`;
    const created = await call('POST', '/ucwa/oauth/v1/applications', {
        auth, type: 'application/json', body: JSON.stringify({ userAgent: 'dashboard test', endpointId: 'dash', culture: 'en-US' }) });
    equal(created.status, 201, 'POST application');
    const app = created.json;
    const appId = app._links.self.href.split('/').pop();
    const available = await call('POST', app._embedded.me._links.makeMeAvailable.href, {
        auth, type: 'application/json', body: JSON.stringify({ SupportedModalities: ['Messaging'] }) });
    equal(available.status, 204, 'POST makeMeAvailable');
    step = 'user flavour: startMessaging and the event channel';
    const start = await call('POST', app._embedded.communication._links.startMessaging.href, {
        auth, type: 'application/json', body: JSON.stringify({ to: 'sip:bob@contoso.com', operationId: 'dash-user', subject: 'Events' }) });
    equal(start.status, 201, 'POST startMessaging (user flavour)');
    // P-GETs until the invitation completed, as a web client reads its channel.
    let next = app._links.events.href;
    let completed = false;
    const end = Date.now() + stepMs;
    while (!completed && Date.now() < end) {
        const got = await call('GET', `${next}${next.includes('?') ? '&' : '?'}timeout=2`, { auth });
        equal(got.status, 200, `GET ${next}`);
        completed = got.text.includes('"completed"') && got.text.includes('messagingInvitation');
        next = got.json._links.next.href;
    }
    check(completed, 'user flavour: no messagingInvitation completed on the event channel');
    return appId;
}

// ---- the page ------------------------------------------------------------------------------------

async function run() {
    check(mockBinary, 'usage: node dashboard.mjs PATH/TO/ucwa-mock [SOURCE_DIR] [--screenshots DIR]');
    step = 'start the mock and the callback receiver';
    origin = await startMock();
    const callbackUrl = `${await startReceiver()}/callback`;
    log(`mock on ${origin}, callbacks to ${callbackUrl}`);

    step = 'launch Chromium';
    browser = await chromium.launch({
        executablePath: chromiumPath,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync'],
        timeout: 30000,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    openPage = page;
    // For work on the page: DASHBOARD_UI_DIR=server/ui serves its files from there instead of the binary.
    if (process.env.DASHBOARD_UI_DIR) {
        for (const [file, type] of [['app.js', 'text/javascript'], ['app.css', 'text/css']])
            await context.route(`**/__admin/ui/${file}`, async (r) =>
                r.fulfill({ contentType: type, body: await readFile(path.join(process.env.DASHBOARD_UI_DIR, file)) }));
    }
    page.setDefaultTimeout(stepMs);
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Chromium logs the refused scenario document's 400 (asked for below) as a failed load; anything else is a fault.
    page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 400 /.test(m.text()))
            problems.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => d.accept());
    let navigations = 0;
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });

    step = 'open /__admin/ui';
    const answer = await page.goto(`${origin}/__admin/ui`);
    equal(answer.status(), 200, step);
    check((answer.headers()['content-security-policy'] || '').includes("script-src 'self'"), `${step}: no strict CSP`);
    await page.waitForSelector('#live.on');
    log('dashboard live');

    const conversationId = await trustedConversation(callbackUrl);
    log(`Trusted conversation ${conversationId} done, a retried delivery among its callbacks`);
    const userApp = await userConversation();
    log(`user-flavour conversation of application ${userApp} done over the event channel`);

    step = 'the journal rows appear live';
    await page.waitForFunction(() => {
        const rows = Array.from(document.querySelectorAll('#journal tbody tr'));
        return rows.some((r) => r.textContent.includes('/v1/applications/833/communication/startMessaging') && r.textContent.includes('201')) &&
               rows.some((r) => r.textContent.includes('/messaging/messages') && r.textContent.includes('201')) &&
               rows.some((r) => r.textContent.includes('/events?ack='));
    });
    step = 'filter the journal by path and open a row';
    await page.fill('#filter-path', 'startMessaging');
    await page.waitForFunction(() => {
        const rows = Array.from(document.querySelectorAll('#journal tbody tr'));
        return rows.length >= 1 && rows.every((r) => r.cells[4].textContent.includes('startMessaging'));
    }).catch(async (e) => {
        const rows = await page.$$eval('#journal tbody tr', (rs) => rs.map((r) => r.textContent));
        fail(`${e.message}: rows ${JSON.stringify(rows)}`);
    });
    await page.click('#journal tbody tr:has-text("/v1/applications/833/communication/startMessaging")');
    await page.waitForSelector('#journal-detail pre.data-uri');
    const decoded = await page.textContent('#journal-detail pre.data-uri');
    equal(decoded, 'Hello from the bot', 'the data: URI of the startMessaging body, decoded');
    const requestBody = await page.textContent('#journal-detail pre.body');
    check(requestBody.includes('\n  "to": "sip:john@contoso.com"'), `the request body pretty-printed: ${requestBody}`);
    await page.fill('#filter-path', '');
    await page.waitForFunction(() => document.querySelectorAll('#journal tbody tr').length >= 10);
    if (shotsDir) {
        await mkdir(shotsDir, { recursive: true });
        await page.screenshot({ path: path.join(shotsDir, 'dashboard-journal.png') });
    }

    step = 'the sequence diagram of the Trusted conversation';
    await page.click('#tab-conversations');
    const key = `833/${conversationId}`;
    await page.waitForSelector(`#conversation-list li[data-key="${key}"]`);
    await page.click(`#conversation-list li[data-key="${key}"]`);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#sequence .arrow text:not(.time)'))
        .some((t) => t.textContent.includes('(retry)')));
    const arrows = await page.$$eval('#sequence g.arrow', (gs) => gs.map((g) => ({
        label: g.querySelector('text:not(.time)').textContent,
        time: Number(((g.querySelector('text.time') || {}).textContent || '').replace(/[^0-9]/g, '') || -1),
        kind: g.getAttribute('class'),
        y: Number(g.querySelector('line').getAttribute('y1')),
    })));
    check(arrows.length >= 6, `too few arrows: ${JSON.stringify(arrows)}`);
    check(arrows[0].label.includes('startMessaging'), `the first arrow is not the startMessaging: ${arrows[0].label}`);
    const created = arrows.findIndex((a) => a.label.startsWith('201'));
    const firstCallback = arrows.findIndex((a) => a.label.startsWith('callback #1'));
    const failed = arrows.findIndex((a) => a.label.startsWith('503'));
    const retry = arrows.findIndex((a) => a.label.startsWith('callback #2 (retry)'));
    const message = arrows.findIndex((a) => a.label.includes('POST …/messaging/messages'));
    check(created > 0 && firstCallback > 0 && failed > firstCallback && retry > failed && retry > created,
          `the callback, its 503 and the retry are not in order: ${arrows.map((a) => a.label).join(' | ')}`);
    check(message > firstCallback, `the sendMessage is not after the first callback: ${arrows.map((a) => a.label).join(' | ')}`);
    for (let i = 1; i < arrows.length; i++) {
        check(arrows[i].y > arrows[i - 1].y, 'the arrows are not drawn top to bottom');
        if (arrows[i].time >= 0 && arrows[i - 1].time >= 0)
            check(arrows[i].time >= arrows[i - 1].time, `arrow ${i} is earlier than arrow ${i - 1}: ${JSON.stringify(arrows.slice(i - 1, i + 1))}`);
    }
    const lanes = await page.$$eval('#sequence g.head text', (ts) => ts.map((t) => t.textContent));
    equal(lanes.length, 4, 'the lanes');
    if (shotsDir)
        await page.screenshot({ path: path.join(shotsDir, 'dashboard-sequence.png') });

    step = 'the user-flavour conversation: event-channel arrows';
    const userKey = await page.$eval(`#conversation-list li[data-key^="${userApp}/"]`, (li) => li.dataset.key);
    await page.click(`#conversation-list li[data-key="${userKey}"]`);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#sequence g.arrow.event text:not(.time)'))
        .some((t) => t.textContent.startsWith('events (ack')));

    step = 'the callbacks: the retried delivery';
    await page.click('#tab-callbacks');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#callbacks tbody tr.retry'))
        .some((r) => r.textContent.includes('2 (retry)') && r.textContent.includes('200')));
    const failedRow = await page.$$eval('#callbacks tbody tr', (rs) => rs.map((r) => r.textContent).filter((t) => t.includes('503')));
    check(failedRow.length >= 1, 'the failed attempt (503) is not listed');

    step = 'the event channels';
    await page.click('#tab-channels');
    await page.waitForFunction((app) => Array.from(document.querySelectorAll('#channels tbody tr'))
        .some((r) => r.cells[0].textContent === app), userApp);

    step = 'a bad scenario document is refused with its error';
    await page.click('#tab-control');
    await page.waitForFunction(() => document.querySelector('#shipped').options.length > 1);
    await page.fill('#scenario-text', '{"name":"broken","default":{"outcome":"maybe"}}');
    await page.click('#scenario-doc button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#scenario-result').classList.contains('bad'));
    const refusal = await page.textContent('#scenario-result');
    check(refusal.includes('400') && refusal.includes('outcome'), `the refusal does not name the field: ${refusal}`);

    step = 'switch to a shipped scenario';
    await page.selectOption('#shipped', 'already-exists');
    await page.click('#scenario-shipped button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#scenario-result').textContent.includes('already-exists'));
    await page.waitForFunction(() => document.querySelector('#scenario-name').textContent === 'already-exists');
    equal((await call('GET', '/__admin/scenario')).json.name, 'already-exists', 'the scenario in force after the switch');

    step = 'switching the application lets the previous long poll go';
    for (const app of ['833', userApp, ''])
        await page.selectOption('#app', app);
    await page.waitForSelector('#live.on');
    await until(async () => (await call('GET', '/__admin/stream?since=0')).json.held === 1, 'one held poll after three switches');

    step = 'keyboard: the tabs';
    await page.focus('#tab-control');
    await page.keyboard.press('ArrowRight');
    equal(await page.getAttribute('#tab-metrics', 'aria-selected'), 'true', 'ArrowRight selects the next tab');
    await page.waitForFunction(() => document.querySelectorAll('#metrics tbody tr').length > 5);

    step = 'the page';
    equal(navigations, 1, 'navigations of the page (it never reloads)');
    check(problems.length === 0, `the page had problems:\n  ${problems.join('\n  ')}`);

    await withAdminToken(context);
}

// A mock with --admin-token: the page loads, asks for the token, keeps it for the tab, and goes live.
async function withAdminToken(context) {
    step = 'a mock with --admin-token';
    const first = await stopMock();
    check(first && first.code === 0 && !first.signal, `the first mock did not exit cleanly: ${JSON.stringify(first)}`);
    mockOutput = '';
    origin = await startMock(['--admin-token', 'tab-secret']);
    const page = await context.newPage();
    openPage = page;
    await page.goto(`${origin}/__admin/ui`);
    await page.waitForSelector('#token-form:not([hidden])');
    equal(await page.textContent('#live'), 'admin token needed', 'the status without the token');
    step = 'enter the admin token';
    await page.fill('#token', 'tab-secret');
    await page.press('#token', 'Enter');
    await page.waitForSelector('#live.on');
    check(await page.isHidden('#token-form'), 'the token form is still shown');
    equal(await page.evaluate(() => sessionStorage.getItem('ucwaMockAdminToken')), 'tab-secret', 'the token in sessionStorage');
    const created = await call('POST', '/v1/applications/833/communication/startMessaging', {
        auth: reference, type: 'application/json', body: JSON.stringify({ to: 'sip:john@contoso.com' }) });
    equal(created.status, 201, 'startMessaging on the guarded mock');
    await page.waitForFunction(() => document.querySelectorAll('#journal tbody tr').length === 1);
    await page.close();
}

async function cleanUp() {
    if (browser)
        await browser.close().catch((e) => console.error(`closing Chromium: ${e.message}`));
    if (receiver) {
        receiver.closeAllConnections?.();
        receiver.close();
    }
    return stopMock();
}

const deadline = setTimeout(() => {
    console.error(`FAIL: ucwa-mock dashboard test: the ${deadlineMs / 1000} s deadline passed during "${step}"`);
    console.error(`--- mock output ---\n${mockOutput}`);
    if (mock)
        mock.kill('SIGKILL');
    process.exit(1);
}, deadlineMs);

let exitCode = 0;
try {
    await run();
} catch (e) {
    exitCode = 1;
    console.error(`FAIL: ucwa-mock dashboard test, at "${step}": ${e instanceof Failure ? e.message : e.stack}`);
    if (shotsDir && openPage)
        await openPage.screenshot({ path: path.join(shotsDir, 'dashboard-failure.png') }).catch(() => {});
}
const exit = await cleanUp();
clearTimeout(deadline);
if (exit && (exit.code !== 0 || exit.signal)) {
    exitCode = 1;
    console.error(`FAIL: ucwa-mock dashboard test: the mock did not exit cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal})`);
}
if (exitCode !== 0)
    console.error(`--- mock output ---\n${mockOutput}`);
else
    console.log(`PASS: ucwa-mock dashboard test (journal, sequence diagram, retry, event channel, scenario switch, admin token), ${elapsed()}`);
process.exit(exitCode);
