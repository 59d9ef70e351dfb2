/**
 * PDF rendering with pdfmake, the one place that sets it up: the Roboto fonts its package ships,
 * no other file readable and nothing fetched. pdfmake is loaded on first use, so commands and
 * processes that print no PDF do not pay for it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type pdfmakeType from 'pdfmake';

/** pdfmake's document definition. */
export type TDocumentDefinitions = Parameters<typeof pdfmakeType.createPdf>[0];

const require = createRequire(import.meta.url);

let loaded: Promise<typeof pdfmakeType> | null = null;

function pdfmake(): Promise<typeof pdfmakeType> {
  loaded ??= import('pdfmake').then(({ default: p }) => {
    const dir = join(dirname(require.resolve('pdfmake/fonts/Roboto.js')), 'Roboto');
    const fonts = {
      Roboto: {
        normal: join(dir, 'Roboto-Regular.ttf'),
        bold: join(dir, 'Roboto-Medium.ttf'),
        italics: join(dir, 'Roboto-Italic.ttf'),
        bolditalics: join(dir, 'Roboto-MediumItalic.ttf'),
      },
    };
    const files = new Set(Object.values(fonts.Roboto));
    p.setFonts(fonts);
    // Only the bundled fonts may be read, and nothing fetched.
    p.setLocalAccessPolicy((path) => files.has(path));
    p.setUrlAccessPolicy(() => false);
    return p;
  });
  return loaded;
}

/** Renders a document definition to PDF bytes. */
export async function renderPdf(doc: TDocumentDefinitions): Promise<Buffer> {
  return (await pdfmake()).createPdf(doc).getBuffer();
}
