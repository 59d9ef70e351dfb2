/**
 * The validated records that flow from ingest adapters to the store: one normalised incident, one
 * SIDPOL monthly count, and one rejected field of an input row.
 */
import type { Channel, CrimeCategory } from './taxonomy.ts';
import type { TimePrecision, Turno } from './time.ts';

/** A validated incident ready to store. */
export interface IncidentRow {
  /** 1-based data row of the input file. */
  rowNumber: number;
  source: string;
  externalId: string;
  occurredAt: number; // epoch ms
  timePrecision: TimePrecision;
  reportedAt: number | null;
  lat: number | null;
  lon: number | null;
  x: number | null;
  y: number | null;
  geoQuality: 'exact' | 'street' | 'station' | 'missing';
  districtCode: string | null;
  category: CrimeCategory;
  tipo: string | null;
  subtipo: string | null;
  modalidad: string | null;
  turno: Turno | null;
  channel: Channel;
  restricted: boolean;
  narrative: string | null;
  /** The narrative with personal data replaced (src/text/redact.ts), set by the ingest service. */
  narrativeRedacted?: string | null;
}

/** A validated SIDPOL monthly count. */
export interface MonthlyRow {
  rowNumber: number;
  districtCode: string;
  year: number;
  month: number;
  modality: string;
  category: CrimeCategory;
  count: number;
}

/** One problem with one input row. */
export interface RejectRow {
  rowNumber: number;
  field: string;
  reason: string;
  value: string | null;
}
