/** tokml 0.4 ships no types: GeoJSON → KML text. */
declare module 'tokml' {
  interface TokmlOptions {
    documentName?: string;
    documentDescription?: string;
    /** Property used as each Placemark's name. */
    name?: string;
    /** Property used as each Placemark's description. */
    description?: string;
    simplestyle?: boolean;
    timestamp?: string;
  }
  // biome-ignore lint/style/noDefaultExport: the package is CommonJS (module.exports = tokml).
  export default function tokml(geojson: object, options?: TokmlOptions): string;
}
