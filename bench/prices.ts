import type { Prices } from './report';

/**
 * Public AWS unit prices for eu-west-2 (London), the figures the cost model uses. This
 * machine cannot reach aws.amazon.com, so each figure says where it was found and whether
 * it was checked against AWS's own price list. Check the unverified ones before quoting
 * the cost; a wrong price changes the cost lines, never the measured counts.
 */
export const LONDON_PRICES: Prices = {
  region: 'eu-west-2 (Europe, London)',
  asOf: '2026-11-26 (found by searching stored public pages; aws.amazon.com itself was not reachable)',
  dynamoReadRequestUnit: {
    usd: 0.1415 / 1e6,
    quoted: '$0.1415 per 1M read request units',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (Europe (London), Standard table class)',
    verified: false,
    note:
      'derived: $0.283 per 1M, the on-demand read price a third-party page lists (no region named), halved by AWS\'s 50 % ' +
      'on-demand price cut of 1 November 2024; the London figure on the AWS page could not be read here',
  },
  dynamoWriteRequestUnit: {
    usd: 0.70675 / 1e6,
    quoted: '$0.70675 per 1M write request units',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (Europe (London), Standard table class)',
    verified: false,
    note: 'derived as the read price: $1.4135 per 1M before the November 2024 cut, halved; confirm on the AWS page',
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    quoted: '$0.20 per 1M requests',
    source: 'https://aws.amazon.com/lambda/pricing/ (price-list line EUW2-Request-ARM)',
    verified: false,
    note: 'as transcribed from the AWS Price List (AWSLambda, eu-west-2) in a third-party cost study; same in every commercial region',
  },
  lambdaGbSecondArm: {
    usd: 0.0000133334,
    quoted: '$0.0000133334 per GB-second (Arm, first 7.5 billion GB-s a month)',
    source: 'https://aws.amazon.com/lambda/pricing/ (price-list line EUW2-Lambda-GB-Second-ARM)',
    verified: false,
    note: 'as transcribed from the AWS Price List (AWSLambda, eu-west-2) in a third-party cost study',
  },
  sesEmail: {
    usd: 0.1 / 1000,
    quoted: '$0.10 per 1,000 emails',
    source: 'https://aws.amazon.com/ses/pricing/ (price-list line EUW2-Recipients, outbound, pay as you go)',
    verified: false,
    note: 'as transcribed from the AWS Price List (AmazonSES, eu-west-2) in a third-party cost study; attachments and dedicated IPs extra',
  },
};
