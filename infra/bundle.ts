import { statSync } from 'node:fs';
import * as path from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

/**
 * The one esbuild configuration for Lambda code. The stack (BriefingFunction) and the
 * cold-start bench (bench/cold-start.ts) both bundle through bundleFunction, so what is
 * measured is what is deployed. It runs through esbuild's JS API because the CLI, which
 * NodejsFunction drives, cannot take plugins.
 */

/**
 * Provided by the Lambda Node.js runtime, so left out of the bundle. @smithy/* as well as
 * @aws-sdk/*: what NodejsFunction left out under cdk.json's sdkV3ExcludeSmithyPackages flag.
 */
export const LAMBDA_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

const MIME_TYPES_STUB = path.join(__dirname, 'bundle-stubs', 'nodemailer-mime-types.ts');
/** nodemailer's full table, as a bundle input path (esm or cjs build). */
const FULL_MIME_TYPES_TABLE = /node_modules[\\/]nodemailer[\\/]dist[\\/][^\\/]+[\\/]mime-funcs[\\/]mime-types\.js$/;

/**
 * Why: nodemailer's MailComposer imports mime-funcs/mime-types.js, a 74 KB extension <-> MIME
 * type table that our text + HTML emails never consult (see the stub's comment). This swaps
 * it for infra/bundle-stubs/nodemailer-mime-types.ts, same exports, two types. The import is
 * relative inside nodemailer, which esbuild's CLI --alias cannot replace; a plugin can.
 * If a nodemailer upgrade moves the file, the build fails rather than quietly growing.
 */
export const nodemailerMimeTypesPlugin: Plugin = {
  name: 'nodemailer-mime-types-stub',
  setup(pluginBuild) {
    pluginBuild.initialOptions.metafile = true;
    pluginBuild.onResolve({ filter: /(^|[\\/])mime-types\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]nodemailer[\\/]/.test(args.importer) ? { path: MIME_TYPES_STUB } : undefined,
    );
    pluginBuild.onEnd((result) => {
      const leaked = Object.keys(result.metafile?.inputs ?? {}).filter((input) => FULL_MIME_TYPES_TABLE.test(input));
      if (leaked.length === 0) return;
      return {
        errors: leaked.map((input) => ({
          text: `nodemailer's full MIME type table (${input}) is in the bundle: the nodemailer-mime-types-stub plugin in infra/bundle.ts no longer matches how nodemailer imports it.`,
        })),
      };
    });
  },
};

/**
 * Libraries our code require()s on first use, not at import (the gate's name tagger and its
 * date parser: about 300 KB and 48 KB minified). Inlined, Node would still compile their text
 * with index.js at every cold start; each is instead its own file beside index.js, which the
 * require loads when the first text is scanned. Specifier → file name in the function's folder.
 */
export const LAZY_MODULES: Readonly<Record<string, string>> = {
  'compromise/two': 'compromise-two.js',
  'chrono-node/en': 'chrono-node-en.js',
};

/** Leaves each LAZY_MODULES specifier as a require of its own file ('./chrono-node-en.js'). */
const lazyModulesPlugin: Plugin = {
  name: 'lazy-modules',
  setup(pluginBuild) {
    const specifiers = Object.keys(LAZY_MODULES).map((name) => name.replace(/[/.-]/g, '\\$&'));
    pluginBuild.onResolve({ filter: new RegExp(`^(?:${specifiers.join('|')})$`) }, (args) =>
      /[\\/]node_modules[\\/]/.test(args.importer) ? undefined : { path: `./${LAZY_MODULES[args.path]}`, external: true },
    );
  },
};

/** The build options for one handler (exported for tools that want esbuild's metafile). */
export function lambdaBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    external: LAMBDA_EXTERNALS,
    plugins: [nodemailerMimeTypesPlugin, lazyModulesPlugin],
    logLevel: 'warning',
  };
}

export interface Bundle {
  /** outdir/index.js: what Lambda loads at init. */
  file: string;
  bytes: number;
  /** The LAZY_MODULES files the handler requires on first use, each bundled beside index.js. */
  lazy: { file: string; bytes: number }[];
}

/**
 * Bundles one handler into outdir/index.js with outdir/index.js.map beside it, and each
 * LAZY_MODULES library it requires into its own file there. 'linked', not 'external':
 * esbuild's 'external' leaves out the `//# sourceMappingURL` comment, and
 * NODE_OPTIONS=--enable-source-maps needs it to find the map.
 */
export async function bundleFunction(entry: string, outdir: string): Promise<Bundle> {
  const file = path.join(outdir, 'index.js');
  const result = await build({ ...lambdaBuildOptions(entry, file), metafile: true });
  const output = Object.entries(result.metafile?.outputs ?? {}).find(([out]) => out.endsWith('.js'))?.[1];
  const required = new Set((output?.imports ?? []).filter((i) => i.external).map((i) => i.path));
  const lazy: Bundle['lazy'] = [];
  for (const [specifier, name] of Object.entries(LAZY_MODULES)) {
    if (!required.has(`./${name}`)) continue;
    const lazyFile = path.join(outdir, name);
    await build(lambdaBuildOptions(require.resolve(specifier), lazyFile));
    lazy.push({ file: lazyFile, bytes: statSync(lazyFile).size });
  }
  return { file, bytes: statSync(file).size, lazy };
}

// `node --import tsx infra/bundle.ts <entry> <outdir>`: how BriefingFunction bundles during a
// synth, in a child process because CDK's local bundling hook is synchronous.
if (require.main === module) {
  const [entry, outdir] = process.argv.slice(2);
  if (!entry || !outdir) {
    console.error('usage: node --import tsx infra/bundle.ts <entry.ts> <outdir>');
    process.exit(2);
  }
  bundleFunction(path.resolve(entry), path.resolve(outdir)).catch((error: unknown) => {
    // esbuild logs resolve and syntax errors itself (with the code), but not a plugin's onEnd errors.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
