/** The analyst's incident table with filters (every page read is audited by the server). */
import { useEffect, useState } from 'react';
import { CATEGORY_CODES } from '../../../src/core/taxonomy.ts';
import { api } from '../api.ts';
import { categoryLabel, channelLabel, formatInstant, parseDay, t, useLang } from '../i18n.ts';
import { Head } from './common.tsx';

interface Incident {
  id: string;
  occurredAt: string;
  districtName: string | null;
  category: string;
  tipo: string | null;
  modalidad: string | null;
  channel: string;
  restricted: boolean;
  lat: number | null;
  lon: number | null;
}

export function IncidentsView(): React.JSX.Element {
  useLang();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [district, setDistrict] = useState('');
  const [category, setCategory] = useState('');
  const [districts, setDistricts] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    api<{ features: { properties: { code: string; name: string } }[] }>('/districts')
      .then((d) => setDistricts(d.features.map((f) => f.properties)))
      .catch(() => undefined);
  }, []);
  const [rows, setRows] = useState<Incident[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
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
    return `limit=100${f ? `&from=${f}` : ''}${tt ? `&to=${tt}` : ''}${district ? `&district=${district}` : ''}${category ? `&category=${category}` : ''}`;
  };

  const search = async (cursor?: string): Promise<void> => {
    const q = query();
    if (q === null) return;
    setError(null);
    try {
      const page = await api<{ items: Incident[]; nextCursor: string | null }>(
        `/incidents?${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      setRows((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
    } catch (e) {
      setError(e instanceof Error ? e.message : t('unexpected'));
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
        <div className="table-wrap">
          <table data-testid="incidents-table">
            <Head cols={[t('date'), t('district'), t('category'), t('type'), t('howKnown'), t('location')]} />
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatInstant(r.occurredAt)}</td>
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
