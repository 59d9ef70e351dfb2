/**
 * Makes the compact Callao OpenStreetMap layer shipped in assets/callao/osm/ (ODbL, see its README)
 * from the extract in ../shared/data/callao/osm/: only each feature's name and geometry, coordinates
 * rounded to 6 decimals, the lines of one street name merged into one MultiLineString, the named
 * markets only among the points (the traffic-signal points carry names made up from the streets
 * that meet there, which the street layer already gives). Sorted by name: the same input gives the
 * same bytes.
 *
 *   npx tsx bench/osm-compact.ts [../shared/data/callao/osm] [assets/callao/osm]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Position = [number, number];
interface Feature {
  properties: Record<string, unknown> | null;
  geometry: { type: string; coordinates: unknown } | null;
}

const [from = '../shared/data/callao/osm', to = 'assets/callao/osm'] = process.argv.slice(2);
const round = (v: number): number => Math.round(v * 1e6) / 1e6;
const roundLine = (line: Position[]): Position[] => line.map(([x, y]) => [round(x), round(y)]);

function read(file: string): { features: Feature[]; sha256: string } {
  const bytes = readFileSync(join(from, file));
  const json = JSON.parse(bytes.toString('utf8')) as { features: Feature[] };
  return { features: json.features, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** One feature per line (readable diffs), in a FeatureCollection. */
function write(file: string, features: unknown[]): void {
  const text = `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
  writeFileSync(join(to, file), text);
  console.log(`${file}: ${features.length} features, ${text.length} bytes`);
}

const streets = read('callao_streets.geojson');
const byName = new Map<string, Position[][]>();
for (const f of streets.features) {
  const name = typeof f.properties?.name === 'string' ? f.properties.name.trim() : '';
  if (!name || !f.geometry) continue;
  const lines =
    f.geometry.type === 'LineString'
      ? [f.geometry.coordinates as Position[]]
      : f.geometry.type === 'MultiLineString'
        ? (f.geometry.coordinates as Position[][])
        : [];
  for (const line of lines)
    if (line.length >= 2) byName.set(name, [...(byName.get(name) ?? []), roundLine(line)]);
}
const names = [...byName.keys()].sort();
write(
  'callao_streets.geojson',
  names.map((name) => {
    const lines = byName.get(name) as Position[][];
    return {
      type: 'Feature',
      properties: { name },
      geometry:
        lines.length === 1
          ? { type: 'LineString', coordinates: lines[0] }
          : { type: 'MultiLineString', coordinates: lines },
    };
  }),
);

const pois = read('callao_pois.geojson');
write(
  'callao_pois.geojson',
  pois.features
    .filter(
      (f) =>
        f.properties?.amenity === 'marketplace' &&
        typeof f.properties.name === 'string' &&
        f.geometry?.type === 'Point',
    )
    .map((f) => {
      const [x, y] = (f.geometry as { coordinates: Position }).coordinates;
      return {
        type: 'Feature',
        properties: { name: String(f.properties?.name).trim() },
        geometry: { type: 'Point', coordinates: [round(x), round(y)] },
      };
    })
    .sort((a, b) =>
      a.properties.name < b.properties.name ? -1 : a.properties.name > b.properties.name ? 1 : 0,
    ),
);
console.log(`sha256 of the sources: streets ${streets.sha256}, pois ${pois.sha256}`);
