// A HAR from ucwa-mock opened the way a person opens it: Chromium's DevTools, Network panel,
// "Import HAR file…". Debian's Chromium serves its own DevTools front end on its debugging
// port; this script points that front end at a blank tab, imports the file, and checks that the
// panel lists every entry with its status.
//   node tests/browser/har-import.mjs FILE.har [--screenshot FILE.png]
// Exits 0 when the panel shows every request of the file; otherwise says what differed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

const [harFile, ...rest] = process.argv.slice(2);
const screenshot = rest[0] === '--screenshot' ? rest[1] : null;
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const stepMs = 20000;

if (!harFile) {
    console.error('usage: node tests/browser/har-import.mjs FILE.har [--screenshot FILE.png]');
    process.exit(2);
}

const har = JSON.parse(await readFile(harFile, 'utf8'));
const expected = har.log.entries.map((e) => String(e.response.status));
const profile = await mkdtemp(path.join(os.tmpdir(), 'har-import-'));
let context = null;
let exitCode = 1;
try {
    // Port 0: Chromium picks one and writes it to DevToolsActivePort in the profile.
    context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        args: ['--no-sandbox', '--remote-debugging-port=0'],
        viewport: { width: 1400, height: 500 },
    });
    const port = (await readFile(path.join(profile, 'DevToolsActivePort'), 'utf8')).split('\n')[0];
    const inspected = await context.newPage();
    await inspected.goto('about:blank');
    const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const blank = targets.find((t) => t.type === 'page' && t.url === 'about:blank');
    if (!blank)
        throw new Error('no blank tab among the debugging targets');

    const devtools = await context.newPage();
    await devtools.goto(`http://127.0.0.1:${port}/devtools/devtools_app.html` +
                        `?ws=127.0.0.1:${port}/devtools/page/${blank.id}&panel=network`);
    const importButton = devtools.getByRole('button', { name: 'Import HAR file…' }).first();
    await importButton.waitFor({ timeout: stepMs });
    const [chooser] = await Promise.all([devtools.waitForEvent('filechooser', { timeout: stepMs }), importButton.click()]);
    await chooser.setFiles(harFile);

    // The panel's rows live in shadow roots; wait until it lists as many as the file holds.
    const rows = await devtools.waitForFunction((count) => {
        const found = [];
        const walk = (root) => {
            for (const row of root.querySelectorAll('tr.data-grid-data-grid-node'))
                found.push(row.innerText.replace(/\s+/g, ' ').trim());
            for (const el of root.querySelectorAll('*'))
                if (el.shadowRoot)
                    walk(el.shadowRoot);
        };
        walk(document);
        return found.length >= count ? found : null;
    }, expected.length, { timeout: stepMs });
    const listed = await rows.jsonValue();
    if (screenshot)
        await devtools.screenshot({ path: screenshot });

    const problems = [];
    if (listed.length !== expected.length)
        problems.push(`${expected.length} rows expected, the panel lists ${listed.length}`);
    expected.forEach((status, i) => {
        if (!listed[i] || !listed[i].split(' ').includes(status))
            problems.push(`row ${i + 1}: status ${status} expected, the panel shows "${listed[i]}"`);
    });
    if (problems.length)
        console.error(problems.join('\n'));
    else {
        console.log(`Chromium's Network panel imported ${listed.length} entries:`);
        for (const row of listed)
            console.log(`  ${row}`);
        exitCode = 0;
    }
} catch (e) {
    console.error(`har-import: ${e.message}`);
} finally {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
}
process.exit(exitCode);
