// The market holiday files (data/holidays/*.json) are generated, never typed:
// the committed files must be exactly what scripts/gen-holidays.mjs makes
// from the pinned date-holidays package, and must say so in their header.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

test('the committed holiday files are what the generator makes', () => {
  // Throws (exit status 1, naming the file) when a file differs.
  execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-holidays.mjs'), '--check'], { stdio: 'pipe' });
});

test.each([
  ['us', 'America/New_York', ['2026-04-03', '2026-11-26', '2026-06-19'], ['2026-10-12', '2026-11-11', '2027-12-31']],
  ['hk', 'Asia/Hong_Kong', ['2026-02-17', '2026-02-18', '2026-02-19', '2026-04-03'], ['2026-02-16']],
])('%s: header, years, and the exchange rules', (market, zone, closed, open) => {
  const doc = JSON.parse(fs.readFileSync(path.join(root, 'data', 'holidays', `${market}.json`), 'utf8'));
  expect(doc.generated_by).toMatch(/^scripts\/gen-holidays\.mjs/);
  expect(doc.source).toMatch(/^date-holidays \d+\.\d+\.\d+/);
  expect(doc.time_zone).toBe(zone);
  expect(doc.first_year).toBeLessThanOrEqual(doc.last_year);
  const dates = doc.holidays.map((h) => h.date);
  expect([...dates].sort()).toEqual(dates);
  for (const d of dates) {
    const year = Number(d.slice(0, 4));
    expect(year).toBeGreaterThanOrEqual(doc.first_year);
    expect(year).toBeLessThanOrEqual(doc.last_year);
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    expect(weekday === 0 || weekday === 6).toBe(false);
  }
  for (const d of closed) expect(dates).toContain(d);
  for (const d of open) expect(dates).not.toContain(d);
});
