import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { cellCount } from '../core/grid.ts';
import { gridForArea } from './area-grid.ts';
import { compileStudyArea, studyAreaFromBbox, studyAreaFromGeoJson } from './study-area.ts';

describe('gridForArea', () => {
  it('masks Callao to its land cells (≈ 141.8 km² / 0.0225 km² per cell)', () => {
    const area = compileStudyArea(
      studyAreaFromGeoJson('callao', JSON.parse(readFileSync('assets/callao/districts.geojson', 'utf8')), {
        timeZone: 'America/Lima',
        districtField: 'ubigeo',
      }),
    );
    const { grid, mask, validCells } = gridForArea(area, { cellSize: 150 });
    expect(mask).toHaveLength(cellCount(grid));
    expect(validCells).toBeGreaterThan(6000);
    expect(validCells).toBeLessThan(6700); // 141.8 km² / 0.0225 km² ≈ 6,300
    expect(grid.crs).toBe('EPSG:32718');
  });

  it('refuses an area too small for a single cell, and bad cell sizes', () => {
    const tiny = compileStudyArea(
      studyAreaFromBbox('tiny', [-77.1, -12.05, -77.0999, -12.0499], { timeZone: 'America/Lima' }),
    );
    expect(() => gridForArea(tiny, { cellSize: 150 })).toThrow(/ninguna celda/);
    const ok = compileStudyArea(
      studyAreaFromBbox('ok', [-77.12, -12.06, -77.1, -12.04], { timeZone: 'America/Lima' }),
    );
    expect(() => gridForArea(ok, { cellSize: 1000 })).toThrow(ValidationError);
  });
});
