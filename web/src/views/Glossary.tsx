/**
 * The glossary one click away (issue 13): the header's "? Glosario" button, the dialog (a native
 * modal <dialog>: focus stays inside, Escape closes it, focus returns to the button) and the links
 * from a term in a table or panel to its entry. Texts: web/src/glossary.ts.
 */
import { useEffect, useRef } from 'react';
import {
  closeGlossary,
  entry,
  GLOSSARY,
  type GlossaryTerm,
  openGlossary,
  useGlossaryState,
} from '../glossary.ts';
import { useLang } from '../i18n.ts';

const TITLE = { es: 'Glosario', en: 'Glossary' };
const CLOSE = { es: 'Cerrar', en: 'Close' };
const WHERE = { es: 'Dónde aparece', en: 'Where it appears' };

/** The header's button. */
export function GlossaryButton(): React.JSX.Element {
  const lang = useLang();
  return (
    <button
      type="button"
      className="glossary-button"
      onClick={() => openGlossary()}
      data-testid="glossary-open"
      aria-haspopup="dialog"
    >
      ? {TITLE[lang]}
    </button>
  );
}

/** The dialog, once per page (in the shell). */
export function GlossaryDialog(): React.JSX.Element {
  const lang = useLang();
  const state = useGlossaryState();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (state && !d.open) d.showModal();
    if (!state && d.open) d.close();
    if (state && state.term !== 'all')
      d.querySelector<HTMLElement>(`#glossary-${state.term}`)?.scrollIntoView({ block: 'start' });
  }, [state]);
  return (
    <dialog
      ref={ref}
      className="glossary"
      aria-labelledby="glossary-title"
      data-testid="glossary"
      onClose={() => closeGlossary()}
    >
      <div className="glossary-head">
        <h2 id="glossary-title">{TITLE[lang]}</h2>
        <button type="button" onClick={() => closeGlossary()} data-testid="glossary-close">
          {CLOSE[lang]}
        </button>
      </div>
      <dl>
        {(Object.keys(GLOSSARY) as GlossaryTerm[]).map((k) => {
          const e = entry(k, lang);
          return (
            <div key={k} id={`glossary-${k}`} data-term={k} className="glossary-entry">
              <dt>{e.term}</dt>
              <dd>
                {e.long}
                <br />
                <small>
                  {WHERE[lang]}: {e.where}
                </small>
              </dd>
            </div>
          );
        })}
      </dl>
    </dialog>
  );
}

/**
 * A term (e.g. a table header) that opens its glossary entry; its tooltip is the entry's one line.
 * Numbers inside it count as explained (`data-explained`).
 */
export function Term({
  term,
  children,
}: {
  term: GlossaryTerm;
  children: React.ReactNode;
}): React.JSX.Element {
  const lang = useLang();
  const e = entry(term, lang);
  return (
    <button
      type="button"
      className="term"
      title={e.short}
      data-explained={term}
      onClick={() => openGlossary(term)}
    >
      {children}
    </button>
  );
}

/** A figure with what it is as its tooltip and accessible description, linked to the glossary. */
export function Figure({
  term,
  children,
  what,
}: {
  term: GlossaryTerm;
  children: React.ReactNode;
  /** Overrides the glossary's line where the figure needs more (e.g. "de 6 455 celdas"). */
  what?: string;
}): React.JSX.Element {
  const lang = useLang();
  return (
    <span title={what ?? entry(term, lang).short} data-explained={term} className="figure">
      {children}
    </span>
  );
}
