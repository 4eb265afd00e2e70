import latinConfusables from './confusables-latin.json';

/**
 * Characters that look like ASCII letters or digits, and the ASCII they look like: generated from
 * Unicode's confusables data (UTS #39) by test/support/confusables-table.ts; data, not code.
 */
export const LATIN_CONFUSABLES: Readonly<Record<string, string>> = latinConfusables;

/**
 * Copies of a text that read the way a person reads it, each remembering where every one
 * of its characters came from in the original. The anonymisation gate matches on these
 * copies (so a zero-width space, a full-width digit or a line break inside a number hides
 * nothing) and reports positions in the original (so the admin is pointed at what they
 * typed). Pure: no I/O.
 */
export interface TextView {
  text: string;
  /** For each UTF-16 unit of `text`: where its source starts in the original. */
  starts: readonly number[];
  /** For each UTF-16 unit of `text`: where its source ends (exclusive) in the original. */
  ends: readonly number[];
}

/** Where `[start, end)` of a view came from, as an offset and a length in the original. */
export function originalSpan(view: TextView, start: number, end: number): { position: number; length: number } {
  const position = view.starts[start] ?? view.ends.at(-1) ?? 0;
  const last = view.ends[Math.max(start, end - 1)] ?? position;
  return { position, length: Math.max(0, last - position) };
}

/**
 * Invisible characters: Unicode's default-ignorable code points (zero-width spaces and
 * joiners, soft hyphens, word joiners, variation selectors…) and format characters
 * (text-direction controls, byte-order marks). They change nothing a reader sees.
 */
export const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;

/**
 * The first code point of every run of ten Unicode decimal digits (\p{Nd}), so that any
 * script's digit reads as its ASCII twin: Arabic-Indic '٣' is 3. NFKC already folds
 * full-width and mathematical digits; these are the ones it leaves alone.
 */
const DIGIT_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040,
  0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0,
  0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x10d40, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
  0x116c0, 0x116d0, 0x116da, 0x11730, 0x118e0, 0x11950, 0x11bf0, 0x11c50, 0x11d50, 0x11da0, 0x11de0, 0x11f50, 0x16130, 0x16a60,
  0x16ac0, 0x16b50, 0x16d70, 0x1ccf0, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e4f0, 0x1e5f1, 0x1e950,
  0x1fbf0,
];

function asciiDigit(codePoint: number): string {
  let zero = 0x30;
  for (const candidate of DIGIT_ZEROS) {
    if (candidate > codePoint) break;
    zero = candidate;
  }
  return String(Math.min(9, codePoint - zero));
}

/** Dashes of every kind (and the minus sign) read as '-'; slash and dot look-alikes as '/' and '.'. */
const DASH = /[\p{Pd}\u2212\u2043\uFE63]/u;
const SLASH = /[\u2044\u2215\u29F8\u2571]/u;
const DOT = /[\u00B7\u2219\u2024\u22C5\u30FB\u3002\uFF61]/u;

/** One written character (a base and the combining marks on it) and where it sits in the original. */
function* clusters(text: string): Generator<{ value: string; start: number; end: number }> {
  const pattern = /\P{M}\p{M}*|\p{M}+/gsu;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) yield { value: m[0], start: m.index, end: m.index + m[0].length };
}

class ViewBuilder {
  text = '';
  starts: number[] = [];
  ends: number[] = [];
  push(value: string, start: number, end: number) {
    this.text += value;
    for (let i = 0; i < value.length; i++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }
  view(): TextView {
    return { text: this.text, starts: this.starts, ends: this.ends };
  }
}

/**
 * What a reader sees: Unicode NFKC (full-width '＠' is '@', the ligature 'ﬁ' is 'fi'),
 * invisible characters removed, every decimal digit in ASCII, every kind of space or line
 * break a single ' ', every dash '-'.
 */
export function readableView(original: string): TextView {
  const out = new ViewBuilder();
  for (const cluster of clusters(original)) {
    for (const char of cluster.value.normalize('NFKC')) {
      if (INVISIBLE.test(char)) continue;
      let value = char;
      if (/\p{Nd}/u.test(char)) value = asciiDigit(char.codePointAt(0)!);
      else if (/\s/u.test(char)) value = ' ';
      else if (DASH.test(char)) value = '-';
      else if (SLASH.test(char)) value = '/';
      else if (DOT.test(char)) value = '.';
      out.push(value, cluster.start, cluster.end);
    }
  }
  return out.view();
}

/** What may sit between the groups of a number or a code: spaces, line breaks, tabs, dots, slashes, dashes. */
export const SEPARATOR = /[ ./-]/;

/**
 * A readable view in which any run of separators counts as one: '943 \n 476 – 5919' reads
 * '943 476-5919', '14 / 03 / 2019' reads '14/03/2019'. The run keeps its first mark other
 * than a space ('/', '.', '-'), or is a space.
 */
export function compactView(view: TextView): TextView {
  const out = new ViewBuilder();
  const { text } = view;
  for (let i = 0; i < text.length; ) {
    if (!SEPARATOR.test(text[i]!)) {
      out.push(text[i]!, view.starts[i]!, view.ends[i]!);
      i += 1;
      continue;
    }
    let j = i;
    while (j < text.length && SEPARATOR.test(text[j]!)) j += 1;
    const run = text.slice(i, j);
    out.push(run.replace(/ /g, '')[0] ?? ' ', view.starts[i]!, view.ends[j - 1]!);
    i = j;
  }
  return out.view();
}

const skeleton = (text: string) => [...text].map((c) => LATIN_CONFUSABLES[c] ?? c).join('').toLowerCase();
const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

/**
 * One character folded: its confusable prototype in lower case, accents dropped. Case is
 * folded first ('I' is 'i', not the 'l' it resembles), unless only the capital has a Latin
 * look-alike (Cyrillic 'Т' is 'T', while its small form 'т' resembles no Latin letter).
 */
function foldCharacter(char: string): string {
  const fromLower = skeleton(char.toLowerCase());
  const fromCapital = skeleton(char);
  const chosen = isAscii(fromLower) || !isAscii(fromCapital) ? fromLower : fromCapital;
  return chosen.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * A readable view folded for comparing words: lower case, Unicode confusables mapped to
 * their Latin prototype (UTS #39 skeletons: Cyrillic 'і' is 'i', '0' is 'o'), accents dropped,
 * and separators and apostrophes removed, so 'Oak-wood', 'Oak wood', 'OAKWOOD' and
 * 'Оakwооd' (with Cyrillic o) all read 'oakwood'. `index` maps each folded unit to the unit
 * of the readable view it came from.
 */
export function foldedView(view: TextView): TextView & { index: readonly number[] } {
  const out = new ViewBuilder();
  const index: number[] = [];
  const { text } = view;
  for (let i = 0; i < text.length; ) {
    const char = String.fromCodePoint(text.codePointAt(i)!);
    const width = char.length;
    if (!SEPARATOR.test(char) && !/['’‘ʼ`´]/.test(char)) {
      const folded = foldCharacter(char);
      for (const unit of folded) {
        out.push(unit, view.starts[i]!, view.ends[i + width - 1]!);
        for (let k = 0; k < unit.length; k++) index.push(i);
      }
    }
    i += width;
  }
  return { ...out.view(), index };
}

/** Folds a word or phrase the way foldedView folds text. */
export function foldWords(words: string): string {
  return foldedView(readableView(words)).text;
}
