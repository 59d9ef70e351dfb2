// Deterministic synthetic incident generator -> CSV (no header), NULL = empty unquoted field.
import crypto from 'node:crypto';

export const DDL = `create table incidents (
  id uuid primary key, source text not null, external_id text not null,
  occurred_at timestamptz not null, time_precision text not null, reported_at timestamptz,
  lat double precision, lon double precision, x double precision, y double precision,
  geo_quality text not null, district_code text, category text not null, tipo text, subtipo text, modalidad text,
  turno text, channel text not null, restricted boolean not null, narrative text,
  unique (source, external_id));`;

export const AGG = `select district_code, count(*) from incidents group by 1`;

// mulberry32 PRNG
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'robo',
  'hurto',
  'violencia',
  'familiar',
  'lesiones',
  'vehiculo',
  'menor',
  'agravado',
  'arma',
  'blanca',
  'fuego',
  'domicilio',
  'via',
  'publica',
  'transporte',
  'celular',
  'billetera',
  'estafa',
  'amenaza',
  'danos',
  'propiedad',
  'privada',
  'comercio',
  'tentativa',
  'consumado',
  'sustraccion',
  'motocicleta',
  'bicicleta',
  'agresion',
  'fisica',
  'psicologica',
  'sexual',
  'extorsion',
  'secuestro',
  'receptacion',
];
function phrase(r, minLen, maxLen) {
  const target = minLen + Math.floor(r() * (maxLen - minLen + 1));
  let s = '';
  while (s.length < target) s += (s ? ' ' : '') + WORDS[Math.floor(r() * WORDS.length)];
  return s.slice(0, target).trimEnd();
}

export function generateCsv(n, seed = 42) {
  const r = rng(seed);
  const pick = (arr) => arr[Math.floor(r() * arr.length)];
  const tipos = Array.from({ length: 40 }, () => phrase(r, 20, 40));
  const subtipos = Array.from({ length: 120 }, () => phrase(r, 20, 40));
  const modalidades = Array.from({ length: 60 }, () => phrase(r, 20, 40));
  const districts = Array.from({ length: 50 }, (_, i) => 'D' + String(150100 + i));
  const sources = ['sidpol', 'denuncias_web', 'cad_911', 'serenazgo'];
  const cats = ['patrimonio', 'vida_cuerpo_salud', 'libertad', 'seguridad_publica', 'familia', 'otros'];
  const precisions = ['exact', 'hour', 'day', 'month'];
  const geoq = ['exact', 'street', 'district', 'none'];
  const turnos = ['manana', 'tarde', 'noche', 'madrugada'];
  const channels = ['presencial', 'web', 'telefono', 'app'];
  const t0 = Date.UTC(2018, 0, 1),
    span = Date.UTC(2025, 0, 1) - t0;
  const parts = [];
  let chunk = [];
  for (let i = 0; i < n; i++) {
    const src = sources[i % sources.length];
    const occ = t0 + Math.floor(r() * span);
    const rep = r() < 0.8 ? new Date(occ + Math.floor(r() * 86400000 * 3)).toISOString() : '';
    const hasGeo = r() < 0.9;
    const lat = hasGeo ? (-12.2 + r() * 0.4).toFixed(6) : '';
    const lon = hasGeo ? (-77.2 + r() * 0.4).toFixed(6) : '';
    const x = hasGeo ? (270000 + r() * 40000).toFixed(2) : '';
    const y = hasGeo ? (8640000 + r() * 40000).toFixed(2) : '';
    const row = [
      crypto.randomUUID(),
      src,
      `${src.toUpperCase()}-${String(i).padStart(9, '0')}`,
      new Date(occ).toISOString(),
      pick(precisions),
      rep,
      lat,
      lon,
      x,
      y,
      pick(geoq),
      r() < 0.95 ? pick(districts) : '',
      pick(cats),
      pick(tipos),
      r() < 0.9 ? pick(subtipos) : '',
      r() < 0.8 ? pick(modalidades) : '',
      pick(turnos),
      pick(channels),
      r() < 0.05 ? 't' : 'f',
      '' /* narrative null */,
    ].join(',');
    chunk.push(row);
    if (chunk.length === 10000) {
      parts.push(chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) parts.push(chunk.join('\n') + '\n');
  return parts; // array of CSV chunks (10k rows each)
}

export function mb(kb) {
  return Math.round(kb / 1024);
}
export function procStatus(pid = 'self') {
  const txt = require_fs().readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => {
    const m = txt.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  };
  return { name: (txt.match(/^Name:\s+(\S+)/m) || [])[1], rssKb: get('VmRSS'), hwmKb: get('VmHWM') };
}

import fs from 'node:fs';

function require_fs() {
  return fs;
}
export function postgresServerRssKb() {
  let total = 0,
    count = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm !== 'postgres') continue;
      total += procStatus(d).rssKb;
      count++;
    } catch {}
  }
  return { totalKb: total, count };
}
export const now = () => performance.now();
export function postgresServerMem() {
  let rssKb = 0,
    pssKb = 0,
    hwmKb = 0,
    count = 0;
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (comm !== 'postgres') continue;
      const s = procStatus(d);
      rssKb += s.rssKb;
      hwmKb += s.hwmKb;
      count++;
      pids.push(Number(d));
      const sm = fs.readFileSync(`/proc/${d}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      if (sm) pssKb += Number(sm[1]);
    } catch {}
  }
  return { rssMB: mb(rssKb), pssMB: mb(pssKb), sumHwmMB: mb(hwmKb), count, pids };
}
