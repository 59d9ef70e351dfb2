/** snowball-stemmers 0.6 ships no types: Snowball stemmers ported to JavaScript. */
declare module 'snowball-stemmers' {
  interface Stemmer {
    stem(word: string): string;
  }
  export function newStemmer(language: string): Stemmer;
  export function algorithms(): string[];
}
