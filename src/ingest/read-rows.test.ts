import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputFileError } from '../core/errors.ts';
import { type FileFacts, inspectFile, readText } from './file-check.ts';
import { LIMITS } from './limits.ts';
import { type CsvRow, openCsv, readJsonFeatures } from './read-rows.ts';

const MIB = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'vigia-read-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes a temp file and returns its path. */
function write(name: string, content: string | Buffer): string {
  const path = join(dir, `${++fileCount}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function facts(name: string, content: string | Buffer): Promise<FileFacts> {
  return inspectFile(write(name, content));
}

/** All batches of a CSV file. */
async function readCsv(f: FileFacts): Promise<{ header: string[]; batches: CsvRow[][] }> {
  const reader = await openCsv(f);
  const batches: CsvRow[][] = [];
  for await (const b of reader.rows) batches.push(b);
  return { header: reader.header, batches };
}

async function refusal(path: string): Promise<InputFileError> {
  try {
    await inspectFile(path);
  } catch (e) {
    if (e instanceof InputFileError) return e;
    throw e;
  }
  throw new Error('expected an InputFileError');
}

/** True when character `pos` of a CSV text lies inside a quoted field. */
function insideQuotes(text: string, pos: number): boolean {
  let quotes = 0;
  for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 34) quotes++;
  return quotes % 2 === 1;
}

describe('openCsv', () => {
  it('reads 20 000 rows with quoted commas and newlines across 1 MiB chunks, in order', async () => {
    const n = 20_000;
    const filler = 'relleno '.repeat(12);
    const text = (i: number): string => `Av. Sáenz Peña ${i}, Callao\nreferencia "${i}" ${filler}`;
    const lines = ['id,descripcion,distrito'];
    for (let i = 1; i <= n; i++)
      lines.push(`${i},"${text(i).replace(/"/g, '""')}",0701${String(i % 7).padStart(2, '0')}`);
    const content = `${lines.join('\n')}\n`;
    const bytes = Buffer.byteLength(content);
    expect(bytes).toBeGreaterThan(2 * MIB);
    // The chunk boundaries (in bytes) fall inside quoted fields, so rows straddle them.
    const asLatin1 = Buffer.from(content).toString('latin1');
    expect(insideQuotes(asLatin1, MIB)).toBe(true);
    expect(insideQuotes(asLatin1, 2 * MIB)).toBe(true);

    const f = await facts('big.csv', content);
    expect(f.encoding).toBe('utf-8');
    expect(f.bytes).toBe(bytes);
    const progress = { bytesRead: 0 };
    const reader = await openCsv(f, progress);
    expect(reader.header).toEqual(['id', 'descripcion', 'distrito']);
    const batches: CsvRow[][] = [];
    for await (const b of reader.rows) batches.push(b);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(progress.bytesRead).toBe(bytes);
    const rows = batches.flat();
    expect(rows).toHaveLength(n);
    rows.forEach((r, k) => {
      const i = k + 1;
      if (r.rowNumber !== i || r.error !== null || r.values.length !== 3 || r.values[0] !== String(i))
        throw new Error(`row ${i} is wrong: ${JSON.stringify(r).slice(0, 200)}`);
      if (r.values[1] !== text(i))
        throw new Error(`row ${i}: bad quoted text ${JSON.stringify(r.values[1])}`);
    });
    expect(rows[n - 1]?.values).toEqual([String(n), text(n), `0701${String(n % 7).padStart(2, '0')}`]);
  });

  it('reads CRLF files, including a CR LF pair split across the 1 MiB boundary', async () => {
    const header = 'id,nombre\r\n';
    const parts = [header];
    let length = header.length;
    let id = 0;
    const row = (pad: number): string => `${String(++id).padStart(6, '0')},${'n'.repeat(pad)}\r\n`;
    while (length + 200 < MIB) {
      const r = row(90);
      parts.push(r);
      length += r.length;
    }
    // One row whose CR is the last byte of the first chunk and whose LF is the first of the next.
    const specialPad = MIB - length - 8;
    const special = row(specialPad);
    parts.push(special);
    length += special.length;
    expect(length).toBe(MIB + 1);
    for (let k = 0; k < 100; k++) parts.push(row(90));
    parts.push('999999,"dos\r\nlíneas"\r\n');
    const content = parts.join('');
    expect(content[MIB - 1]).toBe('\r');
    expect(content[MIB]).toBe('\n');

    const { header: h, batches } = await readCsv(await facts('crlf.csv', content));
    expect(h).toEqual(['id', 'nombre']);
    const rows = batches.flat();
    expect(rows).toHaveLength(id + 1);
    const bad = rows.filter(
      (r) => r.error !== null || r.values.length !== 2 || /\r$/.test(r.values[1] ?? ''),
    );
    expect(bad).toEqual([]);
    expect(rows.map((r) => r.rowNumber)).toEqual(rows.map((_, i) => i + 1));
    expect(rows[id - 101]?.values).toEqual([String(id - 100).padStart(6, '0'), 'n'.repeat(specialPad)]);
    expect(rows[rows.length - 1]?.values).toEqual(['999999', 'dos\r\nlíneas']);
  });

  it('guesses a semicolon delimiter and keeps decimal commas', async () => {
    const { header, batches } = await readCsv(
      await facts(
        'semi.csv',
        'UBIGEO;LATITUD;LONGITUD;DESCRIPCION\n70101;-12,0631;-77,1469;"a; b"\n70102;-12,0625;-77,1292;c\n',
      ),
    );
    expect(header).toEqual(['UBIGEO', 'LATITUD', 'LONGITUD', 'DESCRIPCION']);
    expect(batches.flat()).toEqual([
      { rowNumber: 1, values: ['70101', '-12,0631', '-77,1469', 'a; b'], error: null },
      { rowNumber: 2, values: ['70102', '-12,0625', '-77,1292', 'c'], error: null },
    ]);
  });

  it('trims header names, skips empty lines and reads a file without a final newline', async () => {
    const { header, batches } = await readCsv(await facts('blank.csv', ' a , b \n1,2\n\n3,4'));
    expect(header).toEqual(['a', 'b']);
    expect(batches.flat().map((r) => [r.rowNumber, r.values])).toEqual([
      [1, ['1', '2']],
      [2, ['3', '4']],
    ]);
  });

  it('reports an unterminated quote at the end on the last row only', async () => {
    const { batches } = await readCsv(await facts('open-quote.csv', 'a,b\n1,2\n3,4\n5,"sin cerrar\n6,7\n'));
    const rows = batches.flat();
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 3]);
    expect(rows[0]?.error).toBeNull();
    expect(rows[1]?.error).toBeNull();
    expect(rows[2]?.values[0]).toBe('5');
    expect(rows[2]?.error?.reason).toMatch(/MissingQuotes/);
  });

  it('rejects a row with a NUL byte past the 64 KiB binary check, naming its column', async () => {
    const good = 'x,1\n'.repeat(20_000); // 80 KB
    const f = await facts(
      'nul.csv',
      Buffer.concat([Buffer.from(`a,b\n${good}y,2`), Buffer.from([0]), Buffer.from('\nz,3\n')]),
    );
    const rows = (await readCsv(f)).batches.flat();
    expect(rows).toHaveLength(20_002);
    expect(rows.filter((r) => r.error !== null).map((r) => [r.rowNumber, r.error])).toEqual([
      [20_001, { field: 'b', reason: expect.stringContaining('NUL'), value: null }],
    ]);
    expect(rows[20_001]).toMatchObject({ values: ['z', '3'], error: null });
  });

  it('removes the BOM from the first header name', async () => {
    const { header } = await readCsv(await facts('bom.csv', '\uFEFFid,nombre\n1,x\n'));
    expect(header).toEqual(['id', 'nombre']);
  });

  it('refuses a file with only a header', async () => {
    const f = await facts('header-only.csv', 'a,b,c\n');
    await expect(openCsv(f)).rejects.toThrow(InputFileError);
    await expect(openCsv(f)).rejects.toThrow(/^\d+-header-only\.csv: .*solo encabezado/);
  });
});

describe('readJsonFeatures', () => {
  const tricky = (i: number): string => `llave {${i}} [corchete] "comillas" \\ barra } ] { [ , : Ñandú ${i}`;

  async function readAll(f: FileFacts): Promise<{ rowNumber: number; value: unknown }[]> {
    const out: { rowNumber: number; value: unknown }[] = [];
    for await (const x of readJsonFeatures(f)) out.push(x);
    return out;
  }

  it('yields every ArcGIS feature of a file over 2 MiB, ignoring other arrays', async () => {
    const features = Array.from({ length: 12_000 }, (_, k) => ({
      attributes: {
        OBJECTID: k + 1,
        DESCRIPCION: tricky(k + 1),
        UBIGEO: '070101',
        FECHA: 1_709_614_800_000 + k,
      },
      geometry: { x: -77.1469 + k * 1e-6, y: -12.0631 },
    }));
    const doc = {
      displayFieldName: 'features',
      fieldAliases: { OBJECTID: 'OBJECTID' },
      geometryType: 'esriGeometryPoint',
      spatialReference: { wkid: 4326 },
      fields: [
        { name: 'OBJECTID', type: 'esriFieldTypeOID' },
        { name: 'DESCRIPCION', type: 'esriFieldTypeString' },
      ],
      features,
    };
    const content = JSON.stringify(doc);
    expect(Buffer.byteLength(content)).toBeGreaterThan(2 * MIB);
    const progress = { bytesRead: 0 };
    const out: { rowNumber: number; value: unknown }[] = [];
    for await (const x of readJsonFeatures(await facts('arcgis.json', content), progress)) out.push(x);
    expect(progress.bytesRead).toBe(Buffer.byteLength(content));
    expect(out).toHaveLength(features.length);
    out.forEach((x, k) => {
      if (x.rowNumber !== k + 1) throw new Error(`feature ${k + 1} numbered ${x.rowNumber}`);
    });
    expect(out.map((x) => x.value)).toEqual(features);
  });

  it('yields every GeoJSON feature with tricky strings, pretty-printed, with keys after features', async () => {
    const features = Array.from({ length: 6_000 }, (_, k) => ({
      type: 'Feature',
      properties: { id: k + 1, nota: tricky(k + 1), lista: [[1, 2], { a: '}' }] },
      geometry: { type: 'Point', coordinates: [-77.1292, -12.0625] },
    }));
    const content = JSON.stringify(
      {
        type: 'FeatureCollection',
        name: 'incidentes',
        features,
        crs: { type: 'name', properties: { name: '[x]' } },
      },
      null,
      2,
    );
    expect(Buffer.byteLength(content)).toBeGreaterThan(2 * MIB);
    const out = await readAll(await facts('incidentes.geojson', content));
    expect(out.map((x) => x.rowNumber)).toEqual(features.map((_, k) => k + 1));
    expect(out.map((x) => x.value)).toEqual(features);
  });

  it('rejects a feature nested deeper than any export, naming its field, and reads the next', async () => {
    const deep = (n: number): unknown => (n === 0 ? 'x' : [deep(n - 1)]);
    const text = `{"features":[{"properties":{"id":1}},{"properties":{"id":2,"tags":${'['.repeat(100_000)}${']'.repeat(100_000)}}},{"properties":{"id":3,"ok":${JSON.stringify(deep(LIMITS.jsonDepth - 3))}}}]}`;
    const got: unknown[] = [];
    for await (const feature of readJsonFeatures(await facts('deep.json', text))) got.push(feature);
    expect(got).toEqual([
      { rowNumber: 1, value: { properties: { id: 1 } }, error: null },
      {
        rowNumber: 2,
        value: null,
        error: { field: 'properties.tags', reason: expect.stringContaining('anidado'), value: null },
      },
      { rowNumber: 3, value: { properties: { id: 3, ok: deep(LIMITS.jsonDepth - 3) } }, error: null },
    ]);
  });

  it('refuses truncated JSON, a missing or empty features array and non-objects', async () => {
    const cases: [string, string, RegExp][] = [
      ['truncated.json', '{"features":[{"a":1},{"a":', /JSON truncado.*tras 1 elementos/],
      ['no-features.json', '{"rows":[{"a":1}]}', /no tiene un arreglo "features"/],
      ['empty-features.json', '{"features":[]}', /"features" está vacío/],
      ['array.json', '[{"a":1}]', /no es un objeto JSON/],
      ['bad-element.json', '{"features":[{"a":tru}]}', /JSON inválido en el elemento 1/],
    ];
    for (const [name, content, message] of cases) {
      const f = await facts(name, content);
      await expect(readAll(f), name).rejects.toThrow(message);
      await expect(readAll(f), name).rejects.toBeInstanceOf(InputFileError);
    }
  });
});

describe('inspectFile / readText', () => {
  it('computes size and SHA-256', async () => {
    const f = await facts('abc.txt', 'abc');
    expect(f.bytes).toBe(3);
    expect(f.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(f.name).toMatch(/-abc\.txt$/);
    expect(f.path.startsWith(dir)).toBe(true);
  });

  it('hashes large files streamed in many chunks like a one-shot hash', async () => {
    const content = Buffer.alloc(3 * MIB + 123, 'dato,');
    const f = await facts('big.txt', content);
    expect(f.sha256).toBe(createHash('sha256').update(content).digest('hex'));
  });

  it('tells UTF-8 from Windows-1252 and decodes both', async () => {
    const utf8 = await facts('utf8.csv', 'AÑO,DISTRITO\n2024,Bellavista\n');
    expect(utf8.encoding).toBe('utf-8');
    const latin = await facts(
      'latin1.csv',
      Buffer.concat([Buffer.from('A'), Buffer.from([0xd1]), Buffer.from('O,DISTRITO\n2024,Bellavista\n')]),
    );
    expect(latin.encoding).toBe('windows-1252');
    const text = async (f: FileFacts): Promise<string> => {
      let s = '';
      for await (const c of readText(f)) s += c;
      return s;
    };
    expect(await text(utf8)).toBe('AÑO,DISTRITO\n2024,Bellavista\n');
    expect(await text(latin)).toBe('AÑO,DISTRITO\n2024,Bellavista\n');
    // 0x80 is € in Windows-1252 (not a C1 control as in ISO-8859-1).
    expect(await text(await facts('euro.csv', Buffer.from([0x80, 0x31, 0x0a])))).toBe('€1\n');
  });

  it('reads a UTF-8 file with a stray Latin-1 byte as UTF-8 and rejects only that row, naming the byte offset', async () => {
    // Over 1 MiB of UTF-8 with accents, a "ñ" cut by the 1 MiB read boundary, and one Latin-1 "ñ" (0xF1).
    const head = Buffer.from(`a,b\n${'Año,Perú\n'.repeat(100_000)}`); // ≈ 1.1 MB
    const cut = Buffer.concat([Buffer.alloc(MIB - 2 - (head.length % MIB) + MIB, 'x'), Buffer.from(',ñ\n')]);
    const before = Buffer.concat([head, cut, Buffer.from('Ca')]);
    const content = Buffer.concat([before, Buffer.from([0xf1]), Buffer.from('ete,ok\nfin,Perú\n')]);
    expect(content[3 * MIB - 1]).toBe(0xc3); // "ñ" starts in the third 1 MiB chunk and ends in the fourth
    const f = await facts('mixed.csv', content);
    expect(f).toMatchObject({ encoding: 'utf-8', foreign: 1 });
    const rows = (await readCsv(f)).batches.flat();
    const bad = rows.filter((r) => r.error !== null);
    expect(bad.map((r) => [r.rowNumber, r.error])).toEqual([
      [
        100_002,
        {
          field: 'a',
          reason: expect.stringContaining(`posición ${before.length} del archivo`),
          value: '0xF1',
        },
      ],
    ]);
    expect(rows[0]?.values).toEqual(['Año', 'Perú']);
    expect(rows[100_000]?.values[1]).toBe('ñ'); // the sequence cut by the chunk boundary
    expect(rows.at(-1)).toMatchObject({ values: ['fin', 'Perú'], error: null });
    expect(rows.some((r) => r.values.some((v) => /Ã|\uFFFD/.test(v)))).toBe(false); // no mojibake
  });

  it('reads a Latin-1 file holding a stray UTF-8 sequence as Windows-1252 and rejects only that row', async () => {
    const latin = Buffer.from('AÑO,DISTRITO\n2024,Bellavista\n2024,Mi Perú\n2024,Perú\n', 'latin1');
    const utf8Row = Buffer.from('2024,Peré\n');
    const f = await facts('latin-mixed.csv', Buffer.concat([latin, utf8Row]));
    expect(f).toMatchObject({ encoding: 'windows-1252', foreign: 1 });
    const { header, batches } = await readCsv(f);
    expect(header).toEqual(['AÑO', 'DISTRITO']);
    const rows = batches.flat();
    expect(rows.map((r) => r.values[1]?.replace(/\uffff.*\uffff/, '?'))).toEqual([
      'Bellavista',
      'Mi Perú',
      'Perú',
      'Per?',
    ]);
    expect(rows[3]?.error).toEqual({
      field: 'DISTRITO',
      reason: expect.stringContaining(`posición ${latin.length + 8} del archivo`),
      value: '0xC3A9',
    });
  });

  it('calls a file with a multi-byte character cut at the 64 KiB read boundary UTF-8', async () => {
    for (const ch of ['Ñ', '€', '😀']) {
      const head = Buffer.alloc(65_535, 'a');
      const content = Buffer.concat([head, Buffer.from(`${ch}\n`)]);
      expect(Buffer.from(ch).length).toBeGreaterThan(1);
      const f = await facts('split.csv', content);
      expect(f.encoding, ch).toBe('utf-8');
      let s = '';
      for await (const c of readText(f)) s += c;
      expect(s.slice(65_535)).toBe(`${ch}\n`);
    }
  });

  it('calls a file whose last multi-byte character is cut Windows-1252', async () => {
    const f = await facts('cut.csv', Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xc3])]));
    expect(f.encoding).toBe('windows-1252');
  });

  it('readText drops the UTF-8 BOM', async () => {
    const f = await facts('bom.txt', '\uFEFFhola\n');
    expect(f.encoding).toBe('utf-8');
    expect(f.bytes).toBe(8);
    const chunks: string[] = [];
    for await (const c of readText(f)) chunks.push(c);
    expect(chunks.join('')).toBe('hola\n');
  });

  it('refuses empty, whitespace-only and binary files, naming the file first', async () => {
    const empty = await refusal(write('vacio.csv', ''));
    expect(empty.message).toMatch(/^\d+-vacio\.csv: archivo vacío \(0 bytes\)/);
    expect(empty.code).toBe('INPUT_FILE_REJECTED');
    const blank = await refusal(write('blanco.csv', ' \n\t\r\n  \n'));
    expect(blank.message).toMatch(/^\d+-blanco\.csv: archivo vacío \(solo espacios/);
    const bomOnly = await refusal(write('bom.csv', '\uFEFF\n'));
    expect(bomOnly.message).toMatch(/^\d+-bom\.csv: archivo vacío \(solo espacios/);
    const binary = await refusal(
      write('datos.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00])),
    );
    expect(binary.message).toMatch(/^\d+-datos\.xlsx: parece un archivo binario \(6 bytes de control/);
    expect(binary.file).toMatch(/-datos\.xlsx$/);
  });

  it('refuses a missing file and a directory', async () => {
    const missing = join(dir, 'no-existe.csv');
    const e = await refusal(missing);
    expect(e.message.startsWith(`${missing}: `)).toBe(true);
    const d = await refusal(dir);
    expect(d.message).toMatch(/no es un archivo regular/);
  });
});
