// Opens a clvsim HTML report in headless Chromium the way a person would, and fails on
// anything a person would notice: a console error or warning, a page error, a request for
// anything but the file itself (the report must open offline), a chart that is not drawn
// (each chart container must hold an SVG with marks and titled axes), or fewer charts than
// expected. Writes the data block as the browser parsed it (for check_data.py) and, if asked,
// a full-page screenshot.
//
// usage: node check_report.cjs REPORT.html [--min-charts N] [--data-out FILE.json]
//                              [--screenshot FILE.png] [--tiles PREFIX] [--width PX]
// env:   CLVSIM_NODE_MODULES  engine/report/vendor/node_modules (playwright-core)
//        CLVSIM_CHROMIUM      the browser (default /usr/bin/chromium)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const modules = process.env.CLVSIM_NODE_MODULES || path.join(__dirname, '..', '..', 'engine', 'report', 'vendor', 'node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

function parseArgs(argv) {
  const out = { minCharts: 1, width: 1400 };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--min-charts') out.minCharts = Number(argv[++i]);
    else if (a === '--data-out') out.dataOut = argv[++i];
    else if (a === '--screenshot') out.screenshot = argv[++i];
    else if (a === '--width') out.width = Number(argv[++i]);
    else if (a === '--tiles') out.tiles = argv[++i];
    else if (!out.file) out.file = a;
    else throw new Error('unexpected argument ' + a);
  }
  if (!out.file) throw new Error('usage: node check_report.cjs REPORT.html [--min-charts N] [--data-out F] [--screenshot F]');
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const file = path.resolve(args.file);
  const url = 'file://' + file;
  const problems = [];
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'clvsim-report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CLVSIM_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    offline: true,
    viewport: { width: args.width, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync']
  });
  try {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push('console ' + m.type() + ': ' + m.text());
    });
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('request', (r) => {
      if (r.url() !== url) problems.push('request for ' + r.url() + ' (a report must need nothing but itself)');
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.hasAttribute('data-charts-rendered'), null, { timeout: 120000 });
    const result = await page.evaluate(() => {
      const charts = JSON.parse(document.getElementById('clvsim-charts').textContent);
      const per = charts.map((c) => {
        const el = document.getElementById(c.id);
        const svg = el && el.querySelector('svg');
        const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
        const marks = svg ? svg.querySelectorAll('.mark-rect path, .mark-area path, .mark-line path, .mark-rule line, .mark-symbol path, .mark-rect, .mark-area, .mark-line').length : 0;
        const titles = svg ? Array.from(svg.querySelectorAll('.role-axis-title text')).map((t) => t.textContent.trim()).filter((t) => t) : [];
        // Text a person should never read: a missing field or a failed join shows as these.
        const junk = svg ? Array.from(svg.querySelectorAll('text')).map((t) => t.textContent.trim())
          .filter((t) => t === 'null' || t === 'undefined' || t === 'NaN' || t.includes('undefined')) : [];
        return { id: c.id, kind: c.kind, svg: !!svg, width: box.width, height: box.height, marks: marks, axisTitles: titles, junk: junk };
      });
      return {
        rendered: Number(document.body.getAttribute('data-charts-rendered')),
        failed: Number(document.body.getAttribute('data-charts-failed')),
        charts: per,
        data: JSON.parse(document.getElementById('clvsim-data').textContent)
      };
    });
    if (result.failed !== 0) problems.push(result.failed + ' charts failed to render');
    if (result.rendered !== result.charts.length) problems.push(result.rendered + ' of ' + result.charts.length + ' charts rendered');
    if (result.charts.length < args.minCharts) problems.push('only ' + result.charts.length + ' charts, expected at least ' + args.minCharts);
    for (const c of result.charts) {
      if (!c.svg) problems.push(c.id + ' (' + c.kind + '): no SVG in the page');
      else if (c.width < 100 || c.height < 60) problems.push(c.id + ' (' + c.kind + '): SVG only ' + c.width + 'x' + c.height);
      else if (c.marks === 0) problems.push(c.id + ' (' + c.kind + '): no marks drawn');
      // Every chart has a quantitative axis with a title (units are in the titles).
      if (c.svg && c.axisTitles.length === 0) problems.push(c.id + ' (' + c.kind + '): no axis title');
      if (c.junk.length) problems.push(c.id + ' (' + c.kind + '): shows ' + JSON.stringify(c.junk));
    }
    if (args.dataOut) fs.writeFileSync(args.dataOut, JSON.stringify(result.data));
    if (args.screenshot) await page.screenshot({ path: args.screenshot, fullPage: true });
    if (args.tiles) {
      // The page in screen-sized pieces PREFIX-00.png, PREFIX-01.png, ... (for looking at it).
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const tile = 1600;
      for (let y = 0, k = 0; y < height; y += tile, ++k)
        await page.screenshot({ path: args.tiles + '-' + String(k).padStart(2, '0') + '.png', fullPage: true,
          clip: { x: 0, y: y, width: args.width, height: Math.min(tile, height - y) } });
    }
    console.log(path.basename(file) + ': ' + result.rendered + ' charts rendered (' +
      result.charts.map((c) => c.kind).join(', ') + ')');
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (problems.length) {
    for (const p of problems) console.error('FAIL: ' + p);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error('FAIL: ' + (e && e.stack || e));
  process.exit(1);
});
