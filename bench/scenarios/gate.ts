import fc from 'fast-check';
import { scanText, type GateHit } from '../../shared/core/gate/anonymisation';
import { CLEAN_CORPUS, CLEAN_CORPUS_ALLOW_LIST } from '../../test/fixtures/gate/clean-corpus';
import { CLEAN_NUMBERS } from '../../test/fixtures/gate/clean-numbers';
import { NAMES_CORPUS } from '../../test/fixtures/gate/names-corpus';
import {
  CONTEXTS,
  DISGUISE_DENY_LIST,
  IDENTIFIER_KINDS,
  REPORTED_DISGUISES,
  disguisedIdentifier,
} from '../../test/support/gate-disguises';
import { progress } from '../progress';
import { median, type GateRun } from '../report';

export interface GateOptions {
  /** Disguised identifiers generated per kind. */
  samples: number;
  seed: number;
}

const blocks = (hits: readonly GateHit[]) => hits.filter((hit) => hit.severity === 'block');

/** Every letter and digit of [start, start + length) lies inside a blocking hit of `rule`. */
function heldWhole(text: string, start: number, length: number, hits: readonly GateHit[], rule?: string): boolean {
  const held = blocks(hits).filter((hit) => rule === undefined || hit.rule === rule);
  if (held.length === 0) return false;
  for (let i = start; i < start + length; i++) {
    if (!/[\p{L}\p{N}]/u.test(text[i]!)) continue;
    if (!held.some((hit) => hit.position <= i && i < hit.position + hit.length)) return false;
  }
  return true;
}

/**
 * The anonymisation gate measured both ways, with no emulators: how many disguised
 * identifiers it holds (per kind, from the same generator as the property tests, with a
 * fixed seed), the disguises an outside test reported, how much clean learning text it
 * holds by mistake, how many names in prose it finds, and how long a scan takes.
 */
export async function runGate(options: GateOptions): Promise<Omit<GateRun, 'peakRssKb'>> {
  const perKind: GateRun['perKind'] = [];
  for (const [k, kind] of IDENTIFIER_KINDS.entries()) {
    const samples = fc.sample(disguisedIdentifier(kind), { numRuns: options.samples, seed: options.seed + k });
    let held = 0;
    const missed: string[] = [];
    samples.forEach((identifier, i) => {
      const [before, after] = CONTEXTS[i % CONTEXTS.length]!('\u0000').split('\u0000') as [string, string];
      const text = `${before}${identifier.text}${after}`;
      if (heldWhole(text, before.length, identifier.text.length, scanText('background', text, DISGUISE_DENY_LIST))) held += 1;
      else if (missed.length < 3) missed.push(identifier.disguises.join('+') || 'no disguise');
    });
    perKind.push({ kind, rule: samples[0]?.rule ?? kind, samples: samples.length, held, missedDisguises: missed });
    progress('gate', `${kind}: ${held} of ${samples.length} held`);
  }

  const reportedHeld = REPORTED_DISGUISES.filter(({ text, rule }) => {
    const sentence = `The record showed ${text} for the child.`;
    return heldWhole(sentence, 18, text.length, scanText('background', sentence, DISGUISE_DENY_LIST), rule);
  }).length;

  const clean = [...CLEAN_CORPUS, ...CLEAN_NUMBERS];
  let cleanHeld = 0;
  let cleanWarned = 0;
  const heldRules: Record<string, number> = {};
  for (const text of clean) {
    const hits = scanText('background', text, { allowList: CLEAN_CORPUS_ALLOW_LIST });
    if (blocks(hits).length) {
      cleanHeld += 1;
      for (const hit of blocks(hits)) heldRules[hit.rule] = (heldRules[hit.rule] ?? 0) + 1;
    } else if (hits.length) cleanWarned += 1;
  }

  let names = 0;
  let namesFound = 0;
  for (const { text, names: spans } of NAMES_CORPUS) {
    const hits = scanText('background', text);
    for (const span of spans) {
      names += 1;
      if (heldWhole(text, span.position, span.length, hits)) namesFound += 1;
    }
  }

  // Speed: one realistic 1,000-character field, scanned many times.
  const field = clean.join(' ').slice(0, 1000);
  const timings: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    scanText('background', field, DISGUISE_DENY_LIST);
    timings.push((performance.now() - started) * 1000);
  }

  return {
    samplesPerKind: options.samples,
    seed: options.seed,
    perKind,
    reported: { total: REPORTED_DISGUISES.length, held: reportedHeld },
    clean: { sentences: clean.length, held: cleanHeld, warned: cleanWarned, heldByRule: heldRules },
    names: { sentences: NAMES_CORPUS.length, names, found: namesFound },
    medianUsPer1000Chars: median(timings.slice(20)),
  };
}
