import { describe, expect, it } from 'vitest';
import {
  CATEGORY_CODES,
  CHANNELS,
  CRIME_CATEGORIES,
  CRIME_GROUPS,
  classifySidpol,
  foldLabel,
  isCategory,
  SIDPOL_MODALITY_CATEGORY,
} from './taxonomy.ts';

const labels = (tipo: string | null, subtipo: string | null = null, modalidad: string | null = null) => ({
  tipo,
  subtipo,
  modalidad,
});

describe('foldLabel', () => {
  it('upper-cases, strips accents and collapses spaces', () => {
    expect(foldLabel('Extorsión')).toBe('EXTORSION');
    expect(foldLabel('  violencia   contra la\tmujer  ')).toBe('VIOLENCIA CONTRA LA MUJER');
    expect(foldLabel('Tráfico Ilícito de Drogas')).toBe('TRAFICO ILICITO DE DROGAS');
    expect(foldLabel('MAÑANA')).toBe('MANANA');
    expect(foldLabel('Mi Peru\u0301')).toBe('MI PERU');
    expect(foldLabel('')).toBe('');
  });
});

describe('classifySidpol', () => {
  it('robo and hurto (reported, not restricted)', () => {
    expect(classifySidpol(labels('CONTRA EL PATRIMONIO', 'ROBO', 'ROBO AGRAVADO'))).toEqual({
      category: 'robo',
      restricted: false,
      channel: 'reported',
    });
    expect(classifySidpol(labels('ROBO AGRAVADO'))).toEqual({
      category: 'robo',
      restricted: false,
      channel: 'reported',
    });
    expect(classifySidpol(labels('CONTRA EL PATRIMONIO', 'HURTO', 'HURTO AGRAVADO'))).toEqual({
      category: 'hurto',
      restricted: false,
      channel: 'reported',
    });
    expect(classifySidpol(labels(null, null, 'HURTO')).category).toBe('hurto');
  });

  it('extorsion wins over the patrimonio group it sits in', () => {
    expect(classifySidpol(labels('CONTRA EL PATRIMONIO', 'EXTORSION', 'EXTORSION'))).toEqual({
      category: 'extorsion',
      restricted: false,
      channel: 'reported',
    });
    expect(classifySidpol(labels('Contra el patrimonio', 'Extorsión', 'Cobro de cupos')).category).toBe(
      'extorsion',
    );
  });

  it('es_delito_x group 4 marks violencia familiar (restricted) whatever the labels', () => {
    expect(
      classifySidpol({
        tipo: 'CONTRA LA VIDA EL CUERPO Y LA SALUD',
        subtipo: 'LESIONES',
        modalidad: 'LESIONES LEVES',
        esDelito: '4.Violencia contra la mujer e int',
      }),
    ).toEqual({ category: 'violencia_familiar', restricted: true, channel: 'reported' });
    // Same labels without the group: plain lesiones.
    expect(
      classifySidpol({
        tipo: 'CONTRA LA VIDA EL CUERPO Y LA SALUD',
        subtipo: 'LESIONES',
        modalidad: 'LESIONES LEVES',
        esDelito: '1.Delitos',
      }),
    ).toEqual({ category: 'lesiones', restricted: false, channel: 'reported' });
  });

  it('sexual crimes are restricted', () => {
    expect(
      classifySidpol(labels('CONTRA LA LIBERTAD', 'VIOLACION DE LA LIBERTAD SEXUAL', 'VIOLACION SEXUAL')),
    ).toEqual({ category: 'sexual', restricted: true, channel: 'reported' });
    expect(classifySidpol(labels('ACTOS CONTRA EL PUDOR')).category).toBe('sexual');
  });

  it('feminicidio is violencia familiar, not homicidio', () => {
    expect(classifySidpol(labels('CONTRA LA VIDA EL CUERPO Y LA SALUD', 'HOMICIDIO', 'FEMINICIDIO'))).toEqual(
      {
        category: 'violencia_familiar',
        restricted: true,
        channel: 'reported',
      },
    );
    expect(classifySidpol(labels('CONTRA LA VIDA EL CUERPO Y LA SALUD', 'HOMICIDIO', 'SICARIATO'))).toEqual({
      category: 'homicidio',
      restricted: false,
      channel: 'reported',
    });
  });

  it('drugs and arms are discovered by the police', () => {
    expect(
      classifySidpol(
        labels('CONTRA LA SALUD PUBLICA', 'TRAFICO ILICITO DE DROGAS', 'MICROCOMERCIALIZACION DE DROGAS'),
      ),
    ).toEqual({ category: 'drogas', restricted: false, channel: 'discovered' });
    expect(classifySidpol(labels('CONTRA LA SEGURIDAD PUBLICA', 'PELIGRO COMUN', 'PORTE DE ARMA'))).toEqual({
      category: 'armas',
      restricted: false,
      channel: 'discovered',
    });
    expect(classifySidpol(labels('TENENCIA ILEGAL DE ARMAS')).category).toBe('armas');
    expect(classifySidpol(labels('TRAFICO ILICITO DE ARMAS')).category).toBe('armas');
    expect(classifySidpol(labels('TRAFICO ILICITO DE MIGRANTES'))).toMatchObject({
      category: 'otros',
      channel: 'reported',
    });
    // "ARMA" only as a whole word.
    expect(classifySidpol(labels('ALARMA FALSA')).category).toBe('otros');
  });

  it('police interventions and flagrancia are discovered', () => {
    expect(classifySidpol(labels('INTERVENCION POLICIALES'))).toEqual({
      category: 'otros',
      restricted: false,
      channel: 'discovered',
    });
    expect(classifySidpol(labels('Intervenciones policiales', null, 'Hurto en flagrancia'))).toEqual({
      category: 'hurto',
      restricted: false,
      channel: 'discovered',
    });
    expect(classifySidpol(labels('CONDUCCION EN ESTADO DE EBRIEDAD')).channel).toBe('discovered');
  });

  it('estafa, secuestro, lesiones', () => {
    expect(classifySidpol(labels('CONTRA EL PATRIMONIO', 'ESTAFA Y OTRAS DEFRAUDACIONES', 'ESTAFA'))).toEqual(
      {
        category: 'estafa',
        restricted: false,
        channel: 'reported',
      },
    );
    expect(classifySidpol(labels('CONTRA LA LIBERTAD', 'SECUESTRO', 'SECUESTRO')).category).toBe('secuestro');
    expect(classifySidpol(labels('LESIONES GRAVES')).category).toBe('lesiones');
  });

  it('folds accents and case of the labels', () => {
    expect(classifySidpol(labels('contra el patrimonio', 'robo', 'robo agravado')).category).toBe('robo');
    expect(classifySidpol(labels('Extorsión')).category).toBe('extorsion');
    expect(classifySidpol(labels('Violación sexual')).category).toBe('sexual');
    expect(classifySidpol(labels('Microcomercialización de drogas')).channel).toBe('discovered');
  });

  it('empty labels are otros with an unknown channel', () => {
    expect(classifySidpol(labels(null))).toEqual({
      category: 'otros',
      restricted: false,
      channel: 'unknown',
    });
    expect(classifySidpol(labels('', '', ''))).toEqual({
      category: 'otros',
      restricted: false,
      channel: 'unknown',
    });
    expect(classifySidpol(labels('FALTAS CONTRA LA PERSONA'))).toEqual({
      category: 'otros',
      restricted: false,
      channel: 'reported',
    });
  });

  it('gives the same answer from the cache', () => {
    const a = classifySidpol(labels('CONTRA EL PATRIMONIO', 'ROBO', 'ROBO AGRAVADO'));
    const b = classifySidpol(labels('CONTRA EL PATRIMONIO', 'ROBO', 'ROBO AGRAVADO'));
    expect(b).toEqual(a);
    // The esDelito group is part of the key.
    const c = classifySidpol({ ...labels('LESIONES'), esDelito: '4.Violencia contra la mujer e int' });
    const d = classifySidpol({ ...labels('LESIONES'), esDelito: null });
    expect(c.category).toBe('violencia_familiar');
    expect(d.category).toBe('lesiones');
  });
});

describe('categories and groups', () => {
  it('every category has a label and a known channel; only the protected ones are restricted', () => {
    for (const code of CATEGORY_CODES) {
      const c = CRIME_CATEGORIES[code];
      expect(c.label.length).toBeGreaterThan(0);
      expect(CHANNELS).toContain(c.channel);
    }
    expect(CATEGORY_CODES.filter((c) => CRIME_CATEGORIES[c].restricted).sort()).toEqual([
      'sexual',
      'violencia_familiar',
    ]);
  });

  it('CRIME_GROUPS only reference existing categories; all = every unprotected category', () => {
    for (const members of Object.values(CRIME_GROUPS)) {
      expect(members.length).toBeGreaterThan(0);
      for (const m of members) expect(isCategory(m)).toBe(true);
    }
    expect([...CRIME_GROUPS.all].sort()).toEqual(
      CATEGORY_CODES.filter((c) => c !== 'sexual' && c !== 'violencia_familiar').sort(),
    );
    expect(CRIME_GROUPS.property).toEqual(['hurto', 'robo']);
  });

  it('isCategory rejects unknown and inherited names', () => {
    expect(isCategory('robo')).toBe(true);
    expect(isCategory('ROBO')).toBe(false);
    expect(isCategory('toString')).toBe(false);
    expect(isCategory('')).toBe(false);
  });

  it('SIDPOL_MODALITY_CATEGORY covers the 7 P_MODALIDADES values after foldLabel', () => {
    const modalidades = [
      'Otros',
      'Violencia contra la mujer e integrantes',
      'Hurto',
      'Robo',
      'Estafa',
      'Extorsión',
      'Secuestro',
    ];
    const mapped = modalidades.map((m) => SIDPOL_MODALITY_CATEGORY[foldLabel(m)]);
    expect(mapped).toEqual([
      'otros',
      'violencia_familiar',
      'hurto',
      'robo',
      'estafa',
      'extorsion',
      'secuestro',
    ]);
    expect(Object.keys(SIDPOL_MODALITY_CATEGORY)).toHaveLength(7);
    for (const cat of Object.values(SIDPOL_MODALITY_CATEGORY)) expect(isCategory(cat)).toBe(true);
    // Keys are already folded.
    for (const k of Object.keys(SIDPOL_MODALITY_CATEGORY)) expect(foldLabel(k)).toBe(k);
  });
});

describe('crime groups', () => {
  it('never put protected categories into a forecast group', () => {
    for (const [group, cats] of Object.entries(CRIME_GROUPS))
      for (const c of cats) expect(CRIME_CATEGORIES[c].restricted, `${group}: ${c}`).toBe(false);
    expect(CRIME_GROUPS.all.length).toBe(CATEGORY_CODES.length - 2);
  });
});
