/**
 * The limits an input file must respect, in one place (documented in docs/ingestion.md). A value
 * over a limit rejects its row, naming the field; a row or JSON feature over the size limit, or a
 * file that breaks the structure limits, is refused whole. Real exports stay far below all of them.
 */
export const LIMITS = {
  /** Identifiers (objectid, id_dgc, a mapping's id column). */
  idChars: 100,
  /** Type labels and short codes (tipo, subtipo, modalidad, P_MODALIDADES, a district column). */
  labelChars: 200,
  /** Free text (narrative, observacion). */
  textChars: 4000,
  /** One CSV row or one JSON feature, in characters. */
  rowChars: 16 << 20,
  /** Nesting of objects and arrays inside one JSON feature (a GeoJSON MultiPolygon needs 6). */
  jsonDepth: 12,
} as const;
