// ARM error responses with the codes and messages the real service returns (see cloud-apis.md).

export interface ArmErrorBody {
  error: { code: string; message: string; details?: { code: string; message: string }[]; target?: string };
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { code: string; message: string }[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): ArmErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);

export const errors = {
  missingToken: () =>
    new ArmError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    ),
  invalidToken: () => new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.'),
  authorizationFailed: (objectId: string, action: string, scope: string) =>
    new ArmError(
      403,
      'AuthorizationFailed',
      `The client '${objectId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ),
  missingApiVersion: () =>
    badRequest(
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  subscriptionNotFound: (sub: string) =>
    new ArmError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`),
  resourceGroupNotFound: (rg: string) =>
    new ArmError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`),
  resourceNotFound: (type: string, name: string, rg: string) =>
    new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  /** Network RP's own 404 for child resources (rules, subnets, default rules). */
  childNotFound: (what: string, name: string) =>
    new ArmError(404, 'NotFound', `Resource /${what}/${name} not found.`),
  noRoute: (method: string, path: string) =>
    new ArmError(
      404,
      'InvalidResourceType',
      `The resource type could not be found in the namespace for api version. Request: ${method} ${path}`,
    ),
  methodNotAllowed: (method: string) =>
    new ArmError(
      405,
      'MethodNotAllowed',
      `The requested method '${method}' is not allowed for this resource.`,
    ),
  invalidRequestContent: (detail: string) =>
    badRequest(
      'InvalidRequestContent',
      `The request content was invalid and could not be deserialized: '${detail}'.`,
    ),
  invalidResourceName: (name: string) =>
    badRequest(
      'InvalidResourceName',
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    ),
  preconditionFailed: (given: string, actual: string, id: string) =>
    new ArmError(412, 'PreconditionFailed', 'Precondition failed.', [
      {
        code: 'PreconditionFailedEtagMismatch',
        message: `Etag provided in if-match header ${given} does not match etag ${actual} of resource ${id} in NRP data store.`,
      },
    ]),
  anotherOperationInProgress: (id: string, operationId: string) =>
    new ArmError(
      409,
      'AnotherOperationInProgress',
      `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${operationId}. Please wait for the operation to finish before trying again. Resource: ${id}`,
    ),
  throttled: (retryAfterSeconds: number, kind: 'reads' | 'writes') =>
    new ArmError(
      429,
      'SubscriptionRequestsThrottled',
      `Number of '${kind === 'reads' ? 'read' : 'write'}' requests for subscription exceeded the limit. Please try again after '${retryAfterSeconds}' seconds.`,
      [],
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  resourceGraphQuota: (resetsAfter: string) =>
    new ArmError(
      429,
      'RateLimiting',
      'Please provide below info when asking for support: timestamp, correlationId.',
      [
        {
          code: 'RateLimiting',
          message: `Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. resets after ${resetsAfter}`,
        },
      ],
    ),
  badRequest,
};
