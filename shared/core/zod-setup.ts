import * as z from 'zod/mini';
import { en } from 'zod/locales';

/**
 * zod/mini starts with no locale, so every message it writes itself would be a bare
 * "Invalid input". Classic zod set English on its first schema; this does the same for
 * zod/mini, once. Every module that builds a schema imports this, so a test that imports
 * one domain file gets English messages too. English only: no other locale is bundled.
 * (Classic zod also installed its memoizer, which only matters for recursive schemas:
 * none of ours is.)
 */
z.config(en());
