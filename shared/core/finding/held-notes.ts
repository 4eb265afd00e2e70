import { createHash } from 'node:crypto';

/**
 * What the pipeline writes back onto a finding (pipelineErrors, pipelineWarnings) and emails
 * the admin is capped: the first few notes, each cut to a readable length, then a count of
 * the rest. A map with thousands of unknown keys (or one typed key of thousands of characters)
 * would otherwise make a note too big for its 400 KB item, and the write-back, the admin
 * email and the whole record would fail. The first problems are enough to start fixing;
 * saving again shows the next ones.
 */
export const NOTE_LIMITS = { notes: 20, lineChars: 300 } as const;

/** Cuts text to `max` characters (whole code points), marking the cut. */
export function cutText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The first notes, each cut to length, then "…and N more" when there were more. */
export function capNotes(notes: readonly string[], what = 'note'): string[] {
  const kept = notes.slice(0, NOTE_LIMITS.notes).map((note) => cutText(note, NOTE_LIMITS.lineChars));
  const more = notes.length - kept.length;
  if (more <= 0) return kept;
  return [...kept, `…and ${more.toLocaleString('en-GB')} more ${what}${more === 1 ? '' : 's'}, not listed here. Fix these first and save: the rest are then listed.`];
}

/** What identifies one hold: the version and its problems. The same hold recorded again (a replayed record) is not news. */
export const holdKeyOf = (version: number | undefined, problemLines: readonly string[]) =>
  createHash('sha256').update(JSON.stringify([version ?? null, problemLines])).digest('hex').slice(0, 16);
