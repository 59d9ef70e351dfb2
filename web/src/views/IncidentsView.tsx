/** The analyst's incident table with filters (every page read is audited by the server). */
import { useEffect, useState } from 'react';
import { CATEGORY_CODES } from '../../../src/core/taxonomy.ts';
import { type Answer, api, get } from '../api.ts';
import { download, toCsv } from '../export.ts';
import { categoryLabel, channelLabel, formatInstant, formatNumber, parseDay, t, useLang } from '../i18n.ts';
import { Head } from './common.tsx';

/** A page of GET /incidents (the contract's answer). */
type Page = Answer<'GET /api/v1/incidents'>;
/** One incident; geoQuality: exact, street, station (the police station's centroid), missing, redacted. */
type Incident = Page['items'][number];

/** Where and when, as honestly as the store knows it: "ubicada en la comisaría · solo fecha", "exacta". */
function qualityLabel(r: Pick<Incident, 'geoQuality' | 'timePrecision'>): string {
  const where =
    r.geoQuality === 'missing'
      ? t('geo.missing')
      : r.geoQuality === 'station'
        ? t('geo.station')
        : r.geoQuality === 'redacted'
          ? t('protectedHidden')
          : r.geoQuality === 'street'
            ? t('geo.street')
            : null;
  const when =
    r.timePrecision === 'date' ? t('geo.dateOnly') : r.timePrecision === 'month' ? t('geo.monthOnly') : null;
  const parts = [where, when].filter((p): p is string => p !== null);
  return parts.length ? parts.join(' · ') : t('geo.exact');
}

/** The date as the store knows it: no time shown for a date-only record. */
function when(r: Incident): string {
  const text = formatInstant(r.occurredAt);
  return r.timePrecision === 'exact' ? text : text.slice(r.timePrecision === 'month' ? 3 : 0, 10);
}

const CSV_HEADER = [
  'id',
  'fecha_hora',
  'precision_hora',
  'distrito_codigo',
  'distrito',
  'categoria',
  'tipo',
  'subtipo',
  'modalidad',
  'canal',
  'calidad_ubicacion',
  'lat',
  'lon',
  'protegido',
];

export function IncidentsView(): React.JSX.Element {
  useLang();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [district, setDistrict] = useState('');
  const [category, setCategory] = useState('');
  const [districts, setDistricts] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    get('GET /api/v1/districts')
      .then((d) => setDistricts(d.features.map((f) => f.properties)))
      .catch(() => undefined);
  }, []);
  const [rows, setRows] = useState<Incident[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  /** The query of the rows on screen (the export's filters), not the form being edited. */
  const [shown, setShown] = useState<string | null>(null);
  const [exporting, setExporting] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const query = (): string | null => {
    const f = from ? parseDay(from) : null;
    const tt = to ? parseDay(to) : null;
    if ((from && !f) || (to && !tt)) {
      setError(t('invalidDate'));
      return null;
    }
    if (f && tt && f > tt) {
      setError(t('reversedRange'));
      return null;
    }
    return [
      f ? `from=${f}` : '',
      tt ? `to=${tt}` : '',
      district ? `district=${district}` : '',
      category ? `category=${category}` : '',
    ]
      .filter(Boolean)
      .join('&');
  };

  const search = async (cursor?: string): Promise<void> => {
    const q = query();
    if (q === null) return;
    setError(null);
    try {
      const page = await api<Page>(
        `/incidents?limit=100&${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : '&total=true'}`,
        {},
        'GET /api/v1/incidents',
      );
      setRows((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
      if (!cursor) {
        setTotal(page.total);
        setShown(q);
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : t('unexpected'));
    }
  };

  /** Every row of the shown filters, read page by page through the audited listing, as one CSV. */
  const exportCsv = async (): Promise<void> => {
    if (shown === null) return;
    setError(null);
    const out: (string | number)[][] = [];
    let cursor: string | null = null;
    setExporting(0);
    try {
      do {
        const page: Page = await api<Page>(
          `/incidents?limit=1000&${shown}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {},
          'GET /api/v1/incidents',
        );
        for (const r of page.items)
          out.push([
            r.id,
            r.occurredAt,
            r.timePrecision,
            r.districtCode ?? '',
            r.districtName ?? '',
            r.category,
            r.tipo ?? '',
            r.subtipo ?? '',
            r.modalidad ?? '',
            r.channel,
            r.geoQuality,
            r.lat ?? '',
            r.lon ?? '',
            r.restricted ? 'si' : 'no',
          ]);
        setExporting(out.length);
        cursor = page.nextCursor;
      } while (cursor);
      const name = new URLSearchParams(shown);
      download(
        `incidentes${name.get('from') ? `-${name.get('from')}` : ''}${name.get('to') ? `-${name.get('to')}` : ''}.csv`,
        toCsv(CSV_HEADER, out),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : t('unexpected'));
    } finally {
      setExporting(null);
    }
  };

  return (
    <section aria-label={t('view.incidents')}>
      <h2>{t('view.incidents')}</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label>
          {t('from')}
          <input
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder="dd/mm/aaaa"
            inputMode="numeric"
            data-testid="from"
          />
        </label>
        <label>
          {t('to')}
          <input
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder="dd/mm/aaaa"
            inputMode="numeric"
            data-testid="to"
          />
        </label>
        <label>
          {t('district')}
          <select value={district} onChange={(e) => setDistrict(e.target.value)}>
            <option value="">{t('allDistricts')}</option>
            {districts.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('category')}
          <select value={category} onChange={(e) => setCategory(e.target.value)} data-testid="category">
            <option value="">{t('allCategories')}</option>
            {CATEGORY_CODES.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(c)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('search')}</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {rows && rows.length === 0 && <p>{t('noRows')}</p>}
      {rows && rows.length > 0 && (
        <div className="table-tools">
          <p data-testid="incidents-total">
            {total === null
              ? `${formatNumber(rows.length)} ${t('shownRows')}`
              : `${formatNumber(total)} ${t('matches')} · ${formatNumber(rows.length)} ${t('shownRows')}`}
          </p>
          <button
            type="button"
            onClick={() => void exportCsv()}
            disabled={exporting !== null}
            data-testid="incidents-export"
          >
            {exporting === null ? t('exportRowsCsv') : `${t('exporting')} ${formatNumber(exporting)}`}
          </button>
        </div>
      )}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="incidents-table">
            <Head
              cols={[
                t('date'),
                t('district'),
                t('category'),
                t('type'),
                t('howKnown'),
                t('location'),
                t('geoQuality'),
              ]}
            />
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{when(r)}</td>
                  <td>{r.districtName ?? '—'}</td>
                  <td>{categoryLabel(r.category)}</td>
                  <td>{r.modalidad ?? r.tipo ?? '—'}</td>
                  <td>{channelLabel(r.channel)}</td>
                  <td>
                    {r.lat === null
                      ? r.restricted
                        ? t('protectedHidden')
                        : '—'
                      : `${r.lat.toFixed(4)}, ${(r.lon ?? 0).toFixed(4)}`}
                  </td>
                  <td data-testid="geo-quality">{qualityLabel(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" onClick={() => void search(next)}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
