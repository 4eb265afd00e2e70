import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The construct owns the code, handler, runtime, role and log group, so those props are not offered. */
export interface BriefingFunctionProps
  extends Omit<lambda.FunctionProps, 'code' | 'handler' | 'role' | 'logGroup' | 'logRetention' | 'logRetentionRole' | 'logRetentionRetryOptions' | 'runtime'> {
  /** Handler file (absolute path); its export is `handler`. */
  readonly entry: string;
  /** POWERTOOLS_SERVICE_NAME; defaults to the construct id. */
  readonly serviceName?: string;
  /** How long CloudWatch keeps the function's logs. @default ONE_MONTH */
  readonly logRetentionDays?: logs.RetentionDays;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BUNDLER = path.join(REPO_ROOT, 'infra', 'bundle.ts');

/**
 * The handler bundled by infra/bundle.ts (the same esbuild settings the cold-start bench
 * measures). NodejsFunction cannot take esbuild plugins, hence a plain asset with local
 * bundling: no Docker (the image is never pulled), and the asset hash is the bundle's own
 * (OUTPUT), so synth never fingerprints node_modules.
 */
function bundledCode(id: string, entry: string): lambda.Code {
  return lambda.Code.fromAsset(path.dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('local-bundling-only'),
      // Never run; it names the entry so CDK's asset cache (keyed on these options) never
      // hands one function's bundle to another.
      command: ['bundle', path.relative(REPO_ROOT, entry)],
      local: {
        tryBundle(outputDir) {
          // A child process because this hook is synchronous and esbuild plugins need the async API.
          const result = spawnSync(process.execPath, ['--import', 'tsx', BUNDLER, entry, outputDir], { cwd: REPO_ROOT, encoding: 'utf8' });
          const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim();
          if (result.error || result.status !== 0) {
            const reason = result.error?.message ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`);
            throw new Error(`Bundling the ${id} function (${path.relative(REPO_ROOT, entry)}) failed (${reason}):\n${output}`);
          }
          if (output) process.stderr.write(`${id}: ${output}\n`); // esbuild warnings
          return true;
        },
      },
    },
  });
}

/**
 * Every function in the pipeline: Node 24 on arm64, esbuild-minified CommonJS with
 * source maps, X-Ray tracing, and its own log group with a retention period.
 *
 * It builds its own role with no AWS managed policy: the only standing permission is
 * writing to its own log group. Everything else is granted by the stack, least privilege.
 */
export class BriefingFunction extends lambda.Function {
  readonly executionRole: iam.Role;
  readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BriefingFunctionProps) {
    const { entry, serviceName, logRetentionDays, environment, ...rest } = props;
    // Created beside the function (not inside it) because they must exist before super().
    const functionLogGroup = new logs.LogGroup(scope, `${id}-logs`, {
      retention: logRetentionDays ?? logs.RetentionDays.ONE_MONTH,
      // Kept when the stack is deleted; a rolled-back first create leaves no empty group behind.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const executionRole = new iam.Role(scope, `${id}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${id} function`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this one group only.
    functionLogGroup.grantWrite(executionRole);

    super(scope, id, {
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      ...rest,
      // The bundle targets node24, so the runtime is not the caller's to change.
      runtime: lambda.Runtime.NODEJS_24_X,
      code: bundledCode(id, entry),
      handler: 'index.handler',
      role: executionRole,
      logGroup: functionLogGroup,
      // Caller's values win: defaults only fill the gaps.
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: serviceName ?? id,
        ...environment,
      },
    });
    this.executionRole = executionRole;
    this.functionLogGroup = functionLogGroup;
  }
}
