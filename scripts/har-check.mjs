// Checks HAR from ucwa-mock against the HAR 1.2 JSON schema of npm's har-schema, the way
// har-validator does (ajv). Needs `npm ci` in tests/browser (har-schema and ajv are its dev
// dependencies); no network.
//   node scripts/har-check.mjs ucwa-mock.har                   a saved file
//   node scripts/har-check.mjs http://127.0.0.1:8080 [token]   a running mock's journal
//   node scripts/har-check.mjs --mock build/ucwa-mock .        starts the mock on port 0, makes a few
//                                                              exchanges (one past the journal's 64 KiB body limit), checks their HAR (ctest har_schema)
//   ... --save FILE.har                                       also writes the HAR it checked (ctest browser_har_import reads it)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../tests/browser/package.json'));
const Ajv = require('ajv');
const schemas = require('har-schema');

function validateHar(text) {
    const ajv = new Ajv({ allErrors: true });
    ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
    ajv.addSchema(schemas);
    const validate = ajv.getSchema('har.json');
    const har = JSON.parse(text);
    if (!validate(har)) {
        for (const e of validate.errors)
            console.error(`${e.dataPath || '/'}: ${e.message}`);
        return null;
    }
    return har;
}

async function fetchHar(base, token, query = 'limit=5000') {
    const url = new URL(`/__admin/requests.har?${query}`, base);
    const answer = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!answer.ok)
        throw new Error(`${url}: ${answer.status} ${await answer.text()}`);
    return answer.text();
}

// The mock on 127.0.0.1 port 0.
function startMock(binary, source) {
    return new Promise((resolve, reject) => {
        const mock = spawn(binary, ['--port', '0', '--bind', '127.0.0.1',
                                    '--fixtures', path.join(source, 'fixtures'),
                                    '--scenarios', path.join(source, 'scenarios')],
                           { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        const timer = setTimeout(() => { mock.kill(); reject(new Error('the mock did not listen within 20 s')); }, 20000);
        const onData = (chunk) => {
            output += chunk.toString();
            const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
            if (m) {
                clearTimeout(timer);
                mock.stdout.off('data', onData);
                mock.stderr.off('data', onData);
                resolve({ mock, base: m[1] });
            }
        };
        mock.stdout.on('data', onData);
        mock.stderr.on('data', onData);
        mock.on('error', (e) => { clearTimeout(timer); reject(e); });
        mock.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the mock exited (${code}): ${output}`)); });
    });
}

async function exchanges(base) {
    const target = new URL('/v1/applications/833/communication/startMessaging', base);
    const headers = { authorization: 'Bearer cwt=PHNhbWw6QXNzZXJ0aW9uIHhtbG5...uZm8' };
    const send = (body, type) => fetch(target, { method: 'POST', headers: { ...headers, 'content-type': type }, body });
    await send('{"operationId":"op-1","to":"sip:john@contoso.com"}', 'application/json');
    await send('<input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="to">sip:john@contoso.com</property></input>',
               'application/xml');
    await send('{not json', 'application/json');
    await send(JSON.stringify({ to: 'sip:john@contoso.com', subject: 's'.repeat(70 * 1024) }), 'application/json');
    await send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'application/json');
}

const args = process.argv.slice(2);
const saveAt = args.indexOf('--save');
const saveTo = saveAt >= 0 ? args.splice(saveAt, 2)[1] : null;
if (args.length === 0) {
    console.error('usage: node scripts/har-check.mjs <file.har | mock URL [admin token] | --mock <binary> <source dir>>');
    process.exit(2);
}
let text;
let running = null;
try {
    if (args[0] === '--mock') {
        running = await startMock(args[1], args[2] ?? path.join(here, '..'));
        await exchanges(running.base);
        text = await fetchHar(running.base, null, 'app=833');
    } else if (/^https?:\/\//.test(args[0]))
        text = await fetchHar(args[0], args[1]);
    else
        text = await readFile(args[0], 'utf8');
} finally {
    running?.mock.kill('SIGTERM');
}
const har = validateHar(text);
if (!har)
    process.exit(1);
if (saveTo)
    await writeFile(saveTo, text);
if (args[0] === '--mock') {
    const entries = har.log.entries;
    const problems = [];
    if (entries.length !== 5)
        problems.push(`5 entries expected, ${entries.length} found`);
    else {
        if (!entries[3].request.postData._truncated)
            problems.push('the large body is not marked _truncated');
        if (entries[4].request.postData._encoding !== 'base64')
            problems.push('the body that is not UTF-8 is not in base64');
        if (entries[2].response.status < 400)
            problems.push('the bad JSON was not refused');
    }
    if (problems.length) {
        console.error(problems.join('\n'));
        process.exit(1);
    }
}
console.log(`valid HAR ${har.log.version}: ${har.log.entries.length} entries` +
            (har.log._more ? ` (more at ${har.log._next})` : ''));
