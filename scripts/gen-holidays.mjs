#!/usr/bin/env node
// Generates the market holiday files data/holidays/us.json and hk.json from
// the npm package date-holidays (a maintained rule set; pinned by
// package-lock.json), with the exchange rules below. Never edit those files
// by hand: change this script and run it again.
//
//   node scripts/gen-holidays.mjs           write the files
//   node scripts/gen-holidays.mjs --check   exit 1 if a file differs from what would be written
//
// Rules added to the source, and why (docs/withdrawals.md):
//  us (NYSE, Rule 7.2): the exchange closes on New Year's Day, Martin Luther
//     King Jr. Day, Washington's Birthday, Good Friday, Memorial Day,
//     Juneteenth (from 2022), Independence Day, Labor Day, Thanksgiving and
//     Christmas; a holiday on a Saturday closes the Friday before, on a
//     Sunday the Monday after. date-holidays lists US federal holidays, so:
//      - only the federal holidays named above are kept (the exchange opens
//        on Columbus Day and Veterans Day);
//      - Good Friday, not a federal holiday, is added with date-holidays' own
//        Easter rule ("easter -2");
//      - Juneteenth is dropped before 2022 (a federal holiday since 2021,
//        an exchange holiday since 2022);
//      - a New Year's Day on a Saturday closes nothing: the substitute day on
//        31 December is dropped (the rule's exception for the end of the
//        accounting year).
//     Unscheduled closures (days of mourning, storms) are not predictable
//     and are not in the file.
//  hk (HKEX): the exchange closes on Hong Kong's general holidays, which is
//     date-holidays' list of "public" holidays for HK, taken as it is.
//     Typhoon and rainstorm closures are not predictable and are not in the file.
// Only weekdays are written: a holiday on a weekend closes nothing more.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Holidays = require('date-holidays');
const sourceVersion = require('date-holidays/package.json').version;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIRST_YEAR = 2025;
const LAST_YEAR = 2035;

const NYSE_HOLIDAYS = [
  "New Year's Day",
  'Martin Luther King Jr. Day',
  "Washington's Birthday",
  'Good Friday',
  'Memorial Day',
  'Juneteenth',
  'Independence Day',
  'Labour Day',
  'Thanksgiving Day',
  'Christmas Day',
];
const SUBSTITUTE = ' (substitute day)';

function isWeekend(date) {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

function usHolidays(year) {
  const source = new Holidays('US', { languages: ['en'] });
  source.setHoliday('easter -2', { name: { en: 'Good Friday' }, type: 'public' });
  const out = [];
  const seen = new Set();
  for (const h of source.getHolidays(year, 'en')) {
    const base = h.name.endsWith(SUBSTITUTE) ? h.name.slice(0, -SUBSTITUTE.length) : h.name;
    if (h.type !== 'public' || !NYSE_HOLIDAYS.includes(base)) continue;
    if (base === 'Juneteenth' && year < 2022) continue;
    const date = h.date.slice(0, 10);
    if (base === "New Year's Day" && date.endsWith('-12-31')) continue;
    seen.add(base);
    out.push({ date, name: base === 'Labour Day' ? 'Labor Day' : base });
  }
  for (const name of NYSE_HOLIDAYS) {
    if (!seen.has(name) && !(name === 'Juneteenth' && year < 2022)) {
      throw new Error(`us ${year}: the source has no "${name}"`);
    }
  }
  return out;
}

function hkHolidays(year) {
  const source = new Holidays('HK', { languages: ['en'] });
  return source
    .getHolidays(year, 'en')
    .filter((h) => h.type === 'public')
    .map((h) => ({ date: h.date.slice(0, 10), name: h.name }));
}

const MARKETS = {
  us: { exchange: 'NYSE', timeZone: 'America/New_York', country: 'US', holidays: usHolidays },
  hk: { exchange: 'HKEX', timeZone: 'Asia/Hong_Kong', country: 'HK', holidays: hkHolidays },
};

function generate(market) {
  const m = MARKETS[market];
  const holidays = [];
  for (let year = FIRST_YEAR; year <= LAST_YEAR; ++year) {
    for (const h of m.holidays(year)) {
      if (!h.date.startsWith(`${year}-`)) throw new Error(`${market} ${year}: ${h.date} is in another year`);
      if (!isWeekend(h.date)) holidays.push(h);
    }
  }
  holidays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (let i = 1; i < holidays.length; ++i) {
    if (holidays[i].date === holidays[i - 1].date) throw new Error(`${market}: ${holidays[i].date} twice`);
  }
  const doc = {
    generated_by: 'scripts/gen-holidays.mjs (do not edit by hand)',
    source: `date-holidays ${sourceVersion}, country ${m.country}, with the ${m.exchange} rules of the generator`,
    market,
    exchange: m.exchange,
    time_zone: m.timeZone,
    first_year: FIRST_YEAR,
    last_year: LAST_YEAR,
    holidays,
  };
  // One holiday per line, so that a regeneration reads well in a diff.
  const head = JSON.stringify({ ...doc, holidays: undefined }, null, 2).replace(/\n}$/, '');
  const rows = holidays.map((h) => `    ${JSON.stringify(h)}`).join(',\n');
  return `${head},\n  "holidays": [\n${rows}\n  ]\n}\n`;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const market of Object.keys(MARKETS)) {
  const file = join(root, 'data', 'holidays', `${market}.json`);
  const text = generate(market);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) {
      console.error(`gen-holidays: data/holidays/${market}.json is not what the generator makes; run node scripts/gen-holidays.mjs`);
      stale += 1;
    }
  } else {
    writeFileSync(file, text);
  }
}
process.exit(stale ? 1 : 0);
