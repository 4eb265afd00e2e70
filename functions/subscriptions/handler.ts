// Placeholder while the subscriptions function is built; replaced in this change.
export const handler = async (_event: unknown) => ({ statusCode: 501 });
