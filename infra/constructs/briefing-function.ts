import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The construct owns the role and the log group, so those props are not offered. */
export interface BriefingFunctionProps
  extends Omit<NodejsFunctionProps, 'role' | 'logGroup' | 'logRetention' | 'logRetentionRole' | 'logRetentionRetryOptions'> {
  /** Handler file (absolute path); its export is `handler`. */
  readonly entry: string;
  /** POWERTOOLS_SERVICE_NAME; defaults to the construct id. */
  readonly serviceName?: string;
  /** How long CloudWatch keeps the function's logs. @default ONE_MONTH */
  readonly logRetentionDays?: logs.RetentionDays;
}

/**
 * Every function in the pipeline: Node 24 on arm64, esbuild-minified CommonJS with
 * source maps, X-Ray tracing, and its own log group with a retention period.
 *
 * It builds its own role with no AWS managed policy: the only standing permission is
 * writing to its own log group. Everything else is granted by the stack, least privilege.
 */
export class BriefingFunction extends NodejsFunction {
  readonly executionRole: iam.Role;
  readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BriefingFunctionProps) {
    const { serviceName, logRetentionDays, environment, bundling, ...rest } = props;
    // Created beside the function (not inside it) because they must exist before super().
    const functionLogGroup = new logs.LogGroup(scope, `${id}-logs`, {
      retention: logRetentionDays ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const executionRole = new iam.Role(scope, `${id}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${id} function`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this one group only.
    functionLogGroup.grantWrite(executionRole);

    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      handler: 'handler',
      ...rest,
      role: executionRole,
      logGroup: functionLogGroup,
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.CJS,
        ...bundling,
      },
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
