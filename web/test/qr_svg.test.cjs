// QR codes drawn by the module: the SVG must show exactly the matrix, and the
// matrix must decode (jsQR) to the text it was made from.
'use strict';

const jsQR = require('jsqr');
const { loadCore, readVectors } = require('./support/core.cjs');

const payloads = readVectors('signed_payloads.json');
let core;

beforeAll(async () => {
  core = await loadCore();
});

/**
 * Fills the module grid an SVG path draws: each closed subpath is taken as
 * the axis-aligned rectangle spanned by its vertices (M/m, h, v, z, absolute
 * or relative, as qr_svg writes them).
 */
function rasterizeSvg(svg) {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!viewBox || viewBox[1] !== viewBox[2]) throw new Error('no square viewBox');
  const side = Number(viewBox[1]);
  const paths = [...svg.matchAll(/<path\b[^>]*\bd="([^"]*)"/g)];
  if (paths.length !== 1) throw new Error(`expected one path, found ${paths.length}`);
  const grid = new Uint8Array(side * side);
  const tokens = paths[0][1].match(/[MmHhVvZz]|-?\d+/g) || [];
  let x = 0; let y = 0; let startX = 0; let startY = 0;
  let vertices = [];
  const fill = () => {
    if (vertices.length === 0) return;
    const xs = vertices.map((p) => p[0]); const ys = vertices.map((p) => p[1]);
    for (let row = Math.min(...ys); row < Math.max(...ys); row += 1) {
      for (let col = Math.min(...xs); col < Math.max(...xs); col += 1) grid[row * side + col] = 1;
    }
    vertices = [];
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const op = tokens[i];
    const num = () => Number(tokens[++i]);
    switch (op) {
      case 'M': fill(); x = num(); y = num(); startX = x; startY = y; vertices.push([x, y]); break;
      case 'm': fill(); x += num(); y += num(); startX = x; startY = y; vertices.push([x, y]); break;
      case 'H': x = num(); vertices.push([x, y]); break;
      case 'h': x += num(); vertices.push([x, y]); break;
      case 'V': y = num(); vertices.push([x, y]); break;
      case 'v': y += num(); vertices.push([x, y]); break;
      case 'Z': case 'z': fill(); x = startX; y = startY; break;
      default: throw new Error(`unexpected path token ${op}`);
    }
  }
  fill();
  return { side, grid };
}

/** RGBA pixels of a module grid, `scale` pixels per module, dark = black. */
function pixelsOf(side, grid, scale) {
  const width = side * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py += 1) {
    for (let px = 0; px < width; px += 1) {
      if (grid[Math.floor(py / scale) * side + Math.floor(px / scale)]) {
        const o = (py * width + px) * 4;
        data[o] = 0; data[o + 1] = 0; data[o + 2] = 0;
      }
    }
  }
  return { data, width };
}

const texts = [
  ['a signed login payload', payloads.valid[0].text],
  ['the longest signed payload', payloads.valid.reduce((a, b) => (b.text.length > a.text.length ? b : a)).text],
  ['digits only', '0123456789'],
  ['UTF-8 text', '登入請求 login'],
];

describe.each(texts)('%s', (_, text) => {
  test('the SVG draws exactly the matrix, inside a 4-module quiet zone', () => {
    const matrix = core.qr_matrix(text, 'medium', 'en');
    expect(matrix.ok).toBe(true);
    const { size, modules, quiet_zone: quiet } = matrix.value;
    expect(size).toBe(17 + 4 * matrix.value.version);
    expect(modules).toBeInstanceOf(Uint8Array);
    expect(modules.length).toBe(size * size);

    const svg = core.qr_svg(text, 'medium', 'en');
    expect(svg.ok).toBe(true);
    const { side, grid } = rasterizeSvg(svg.value);
    expect(side).toBe(size + 2 * quiet);
    for (let y = 0; y < side; y += 1) {
      for (let x = 0; x < side; x += 1) {
        const inside = x >= quiet && y >= quiet && x < quiet + size && y < quiet + size;
        const expected = inside ? modules[(y - quiet) * size + (x - quiet)] : 0;
        if (grid[y * side + x] !== expected) throw new Error(`module (${x}, ${y}) differs`);
      }
    }
  });

  test('the drawn code decodes back to the text', () => {
    const { side, grid } = rasterizeSvg(core.qr_svg(text, 'medium', 'en').value);
    const { data, width } = pixelsOf(side, grid, 4);
    const decoded = jsQR(data, width, width);
    expect(decoded).not.toBeNull();
    expect(decoded.data).toBe(text);
  });
});

test('the SVG is inert: no script, no style, no event handler, no external reference', () => {
  const svg = core.qr_svg(payloads.valid[0].text, 'medium', 'en').value;
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).not.toMatch(/<script|<style|<foreignObject|\son\w+=|href=|<text/i);
});

test('error-correction levels: the level asked for or better, larger symbols for higher levels', () => {
  const text = payloads.valid[0].text;
  const versions = {};
  for (const ecc of ['low', 'medium', 'quartile', 'high']) {
    const m = core.qr_matrix(text, ecc, 'en');
    expect(m.ok).toBe(true);
    versions[ecc] = m.value.version;
    const order = ['low', 'medium', 'quartile', 'high'];
    expect(order.indexOf(m.value.ecc)).toBeGreaterThanOrEqual(order.indexOf(ecc));
  }
  expect(versions.high).toBeGreaterThanOrEqual(versions.low);
  expect(core.qr_matrix(text, undefined, 'en').value.ecc).not.toBe('low');
  // One byte fits version 1 even at the highest level, which the symbol then uses.
  expect(core.qr_matrix('q', 'low', 'en').value).toMatchObject({ version: 1, ecc: 'high' });
});

test('data too long for any QR code is refused, not thrown', () => {
  const huge = 'x'.repeat(3000);
  expect(core.qr_fits(huge, 'low')).toBe(false);
  expect(core.qr_fits('short', 'high')).toBe(true);
  for (const lang of ['en', 'zh-Hant', 'zh-Hans']) {
    const result = core.qr_svg(huge, 'low', lang);
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('payload.too_long');
    expect(result.error.message).toBe(core.localize('payload.too_long', [], lang));
  }
  // The module still works after refusing.
  expect(core.qr_svg('after', 'medium', 'en').ok).toBe(true);
});

test('bad arguments are error values', () => {
  expect(core.qr_svg('x', 'extreme', 'en').error).toMatchObject({ code: 'bad_argument', args: ['ecc'] });
  expect(core.qr_matrix(42, 'low', 'en').error).toMatchObject({ code: 'bad_argument', args: ['text'] });
  expect(core.qr_fits('x', 'extreme').error).toMatchObject({ code: 'bad_argument', args: ['ecc'] });
});
