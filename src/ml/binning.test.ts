import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { BinMapper, binOf, MISSING_BIN, OrderStatistics } from './binning.ts';

describe('BinMapper', () => {
  it('few distinct values: midpoints as thresholds, NaN in its own bin', () => {
    const x = Float32Array.from([3, 1, 2, 2, Number.NaN, 1]);
    const mapper = BinMapper.fit([x]);
    expect(Array.from(mapper.thresholds[0] as Float64Array)).toEqual([1.5, 2.5]);
    expect(mapper.nBins(0)).toBe(3);
    const { codes, nRows, nFeatures } = mapper.transform([x]);
    expect([nRows, nFeatures]).toEqual([6, 1]);
    expect(Array.from(codes)).toEqual([2, 0, 1, 1, MISSING_BIN, 0]);
    // new data outside the fitted range falls in the first or last bin
    expect(Array.from(mapper.transform([Float32Array.from([-100, 1.5, 1.6, 100])]).codes)).toEqual([
      0, 0, 1, 2,
    ]);
  });

  it('many distinct values: at most maxBins bins of about equal size, code ≤ b ⇔ x ≤ threshold b', () => {
    const random = mulberry32(3);
    const n = 50_000;
    const x = Float32Array.from({ length: n }, () => random() * 10 - 5);
    for (const maxBins of [255, 16]) {
      const mapper = BinMapper.fit([x], { maxBins });
      const t = mapper.thresholds[0] as Float64Array;
      expect(mapper.nBins(0)).toBe(maxBins);
      const { codes } = mapper.transform([x]);
      const counts = new Array<number>(maxBins).fill(0);
      for (let i = 0; i < n; i++) {
        const c = codes[i] as number;
        counts[c] = (counts[c] as number) + 1;
        if (c > 0) expect(x[i]).toBeGreaterThan(t[c - 1] as number);
        if (c < t.length) expect(x[i]).toBeLessThanOrEqual(t[c] as number);
      }
      for (const c of counts) expect(Math.abs(c - n / maxBins)).toBeLessThan(0.05 * (n / maxBins));
    }
  });

  it('a constant or all-missing feature has one bin; equal values share a bin', () => {
    const mapper = BinMapper.fit([new Float32Array(10).fill(7), new Float32Array(10).fill(Number.NaN)]);
    expect([mapper.nBins(0), mapper.nBins(1)]).toEqual([1, 1]);
    expect(binOf(mapper.thresholds[0] as Float64Array, 7)).toBe(0);
    // 1,000 rows of 300 distinct integers: 255 bins, and every integer's rows get one code
    const ints = Float32Array.from({ length: 1000 }, (_, i) => (i * 7) % 300);
    const fitted = BinMapper.fit([ints]);
    expect(fitted.nBins(0)).toBe(255);
    const { codes } = fitted.transform([ints]);
    const codeOf = new Map<number, number>();
    ints.forEach((v, i) => {
      expect(codeOf.get(v) ?? codes[i]).toBe(codes[i]);
      codeOf.set(v, codes[i] as number);
    });
  });

  it('long columns (lookup-table path) get the same codes as the binary search', () => {
    const random = mulberry32(5);
    const special = [
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      1e-40,
      -1e-40,
      3.4e38,
    ];
    const draw = (i: number): number =>
      i % 50 === 0
        ? (special[(i / 50) % special.length] as number)
        : i % 3 === 0
          ? Math.floor(random() * 20) - 10
          : Math.sqrt(-2 * Math.log(1 - random())) *
            Math.cos(2 * Math.PI * random()) *
            10 ** Math.floor(random() * 6 - 3);
    const fitData = Float32Array.from({ length: 100_000 }, (_, i) => draw(i));
    const newData = Float32Array.from({ length: 100_000 }, (_, i) => draw(i + 1));
    const mapper = BinMapper.fit([fitData], { seed: 1 });
    const t = mapper.thresholds[0] as Float64Array;
    expect(t.length).toBeGreaterThan(100);
    for (const column of [fitData, newData]) {
      const { codes } = mapper.transform([column]);
      const expected = Uint8Array.from(column, (x) => binOf(t, x));
      expect(codes).toEqual(expected);
    }
  });

  it('order statistics equal the built-in sort: ±0, ±Infinity, subnormals, ties, crowded buckets', () => {
    const random = mulberry32(8);
    const special = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-40, -3.4e38, 1];
    const values = Float32Array.from({ length: 50_000 }, (_, i) =>
      i % 7 === 0
        ? (special[i % special.length] as number)
        : i % 3 === 0
          ? 1 + Math.floor(random() * 100) / 2 ** 20 // hundreds of values in one 16-bit bucket
          : (random() - 0.5) * 10 ** Math.floor(random() * 8 - 4),
    );
    const expected = Float32Array.from(values).sort();
    const stats = new OrderStatistics(values.length);
    // reused for a second, shorter set: nothing of the first one is left over
    stats.of(values.subarray(0, 1000));
    const few = Float32Array.from(values.subarray(0, 1000)).sort();
    expect(Array.from({ length: 1000 }, (_, j) => stats.at(999 - j))).toEqual(Array.from(few).reverse());
    stats.of(values);
    expect(stats.length).toBe(values.length);
    // read in a scattered order (buckets are sorted on first read), then every rank in order
    for (let j = 0; j < values.length; j += 997) expect(stats.at(j)).toBe(expected[j]);
    const all = Array.from({ length: values.length }, (_, j) => stats.at(j));
    expect(all.map((v) => Object.is(v, -0))).toEqual(Array.from(expected, (v) => Object.is(v, -0)));
    expect(all).toEqual(Array.from(expected));
  });

  it('fitTransform over worker threads: the thresholds and codes of fit + transform, codes shared', () => {
    const random = mulberry32(11);
    const n = 70_000; // over the rows from which worker threads are used
    const columns = [
      Float32Array.from({ length: n }, () => random() * 8 - 4),
      Float32Array.from({ length: n }, (_, i) => (i % 9 === 0 ? Number.NaN : Math.floor(random() * 40))),
      new Float32Array(n).fill(2),
      Float32Array.from({ length: n }, (_, i) => (i % 31 === 0 ? -0 : (random() - 0.5) * 10 ** (i % 5))),
      new Float32Array(n).fill(Number.NaN),
    ];
    const rows = Uint32Array.from({ length: n / 2 }, (_, i) => 2 * i + 1);
    const options = { maxBins: 200, rows, sampleSize: rows.length };
    const serial = BinMapper.fit(columns, options);
    const codes = serial.transform(columns).codes;
    for (const threads of [2, 3]) {
      const { mapper, binned } = BinMapper.fitTransform(columns, { ...options, threads });
      expect(mapper.thresholds).toEqual(serial.thresholds);
      // compared as bytes (a deep equality of 350,000 elements is slow)
      expect(Buffer.from(binned.codes).equals(Buffer.from(codes))).toBe(true);
      expect(binned.codes.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(() => BinMapper.fitTransform(columns, { maxBins: 256, threads: 2 })).toThrow(ValidationError);
  });

  it('refuses columns of different lengths, naming the column, and bad maxBins', () => {
    expect(() => BinMapper.fit([new Float32Array(3), new Float32Array(2)])).toThrow(/columns\[1\]/);
    expect(() => BinMapper.fit([new Float32Array(3)], { maxBins: 256 })).toThrow(ValidationError);
    const mapper = BinMapper.fit([new Float32Array(3)]);
    expect(() => mapper.transform([new Float32Array(3), new Float32Array(3)])).toThrow(/1 variables/);
  });
});
