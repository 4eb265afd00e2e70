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
    plugins: [nodemailerMimeTypesPlugin],
    logLevel: 'warning',
  };
}

/**
 * Bundles one handler into outdir/index.js with outdir/index.js.map beside it. 'linked', not
 * 'external': esbuild's 'external' leaves out the `//# sourceMappingURL` comment, and
 * NODE_OPTIONS=--enable-source-maps needs it to find the map.
 */
export async function bundleFunction(entry: string, outdir: string): Promise<{ file: string; bytes: number }> {
  const file = path.join(outdir, 'index.js');
  await build(lambdaBuildOptions(entry, file));
  return { file, bytes: statSync(file).size };
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
