/**
 * SIDPOL "Denuncias Policiales" aggregated monthly CSV (datosabiertos.gob.pe):
 * `ANIO,MES,DPTO_HECHO_NEW,PROV_HECHO,DIST_HECHO,UBIGEO_HECHO,P_MODALIDADES,cantidad`, one row per
 * district × month × modality. Rows are selected by ubigeo (never by name: "CALLAO" and
 * "PROV. CONST. DEL CALLAO" both occur); districts outside the study area are rejected with a reason.
 */
import { foldLabel, SIDPOL_MODALITY_CATEGORY } from '../../core/taxonomy.ts';
import { normaliseUbigeo, Problems } from '../normalize.ts';
import {
  type AdapterContext,
  Columns,
  cell,
  type RowMapper,
  rowWidthReject,
  type SourceAdapter,
} from './adapter.ts';

export const sidpolMonthlyAdapter: SourceAdapter = {
  id: 'sidpol-monthly',
  description: 'tabla SIDPOL agregada mensual (ANIO, MES, …, UBIGEO_HECHO, P_MODALIDADES, cantidad)',
  compile(header: readonly string[], ctx: AdapterContext): RowMapper {
    const cols = new Columns(header);
    cols.require(
      ['ANIO', 'MES', 'UBIGEO_HECHO', 'P_MODALIDADES', 'cantidad'],
      ctx.fileName,
      'SIDPOL agregado mensual',
    );
    const c = {
      year: cols.find('ANIO'),
      month: cols.find('MES'),
      ubigeo: cols.find('UBIGEO_HECHO'),
      modality: cols.find('P_MODALIDADES'),
      count: cols.find('cantidad'),
    };
    const width = header.length;
    const nowYear = new Date(ctx.now).getUTCFullYear();
    return (values, rowNumber) => {
      const misaligned = rowWidthReject(values, width);
      if (misaligned) return misaligned;
      const p = new Problems();
      const rawYear = cell(values, c.year);
      const year = Number(rawYear);
      if (!/^\d{4}$/.test(rawYear) || year < 2000 || year > nowYear)
        p.add('ANIO', `año inválido (2000–${nowYear})`, rawYear);
      const rawMonth = cell(values, c.month);
      const month = Number(rawMonth);
      if (!/^\d{1,2}$/.test(rawMonth) || month < 1 || month > 12)
        p.add('MES', 'mes inválido (1–12)', rawMonth);
      const rawUbigeo = cell(values, c.ubigeo);
      const ubigeo = normaliseUbigeo(rawUbigeo);
      if (ubigeo === null) p.add('UBIGEO_HECHO', 'ubigeo inválido (se esperan hasta 6 dígitos)', rawUbigeo);
      else if (ctx.area.districtIndex(ubigeo) < 0)
        p.add('UBIGEO_HECHO', `distrito fuera del área de estudio ${ctx.area.def.id}`, rawUbigeo);
      const modality = cell(values, c.modality);
      const category = SIDPOL_MODALITY_CATEGORY[foldLabel(modality)];
      if (!category)
        p.add(
          'P_MODALIDADES',
          `modalidad desconocida (se esperan: ${Object.keys(SIDPOL_MODALITY_CATEGORY).join(', ')})`,
          modality,
        );
      const rawCount = cell(values, c.count);
      const count = Number(rawCount);
      if (!/^\d+$/.test(rawCount)) p.add('cantidad', 'cantidad inválida (entero ≥ 0)', rawCount);
      if (p.any || !ubigeo || !category) return { kind: 'reject', problems: p.list };
      return {
        kind: 'monthly',
        row: { rowNumber, districtCode: ubigeo, year, month, modality, category, count },
      };
    };
  },
};
