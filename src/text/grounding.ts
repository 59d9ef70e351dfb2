/**
 * What a writer of text (the built-in method or a language model) is given, and how its output
 * cites it (issue 14). A writer receives only these facts: statistics Vigía computed and redacted
 * incident excerpts. Every sentence it writes must cite what it rests on, with markers the verifier
 * (src/text/verify.ts) checks against these facts and the store:
 *   - `[E3]` cites the statistic whose id is `E3`;
 *   - `[#<incident id>]` cites an incident excerpt by its stored id.
 * Pure types and the citation syntax: no I/O.
 */

/** Who will read the text: internal audiences may get redacted excerpts; community texts only aggregates. */
export type Audience = 'internal' | 'community';

/** A number Vigía computed, handed to the writer to cite. */
export interface Statistic {
  /** Citation id, `E` + a positive integer, unique within one Grounding. */
  id: string;
  /** Spanish label a reader understands: "Robos en Bellavista, octubre 2026". */
  label: string;
  value: number;
  /** Spanish unit when the value is not a count: "%", "por 1 000 hab.". */
  unit?: string;
}

/** An incident the writer may quote: its redacted narrative only, never the original text. */
export interface IncidentExcerpt {
  /** The incident's stored id (what `[#id]` cites). */
  id: string;
  /** Redacted narrative (src/text/redact.ts). */
  text: string;
  category: string;
  district: string | null;
  /** ISO 8601 occurrence time. */
  occurredAt: string;
  /**
   * Set when the narrative looks like instructions to a language model (prompt injection): the
   * Spanish reason. Writers are told it is data; sentences citing it stay "sin verificar".
   */
  flag?: string;
}

/** Everything one text may rest on. Community texts carry no incidents. */
export interface Grounding {
  audience: Audience;
  /** Study area and optional district the text is about. */
  area: string;
  district: string | null;
  /** Half-open period [from, to), ISO dates. */
  period: { from: string; to: string };
  statistics: readonly Statistic[];
  incidents: readonly IncidentExcerpt[];
}

/** Matches one citation marker; group 1 = statistic id, group 2 = incident id. */
export const CITATION = /\[(?:(E\d+)|#([^\]\s]+))\]/g;
