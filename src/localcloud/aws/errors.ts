// EC2 errors with the codes, HTTP statuses and messages the real service uses (see
// shared/docs/cloud-apis.md); the server renders them in EC2's <Response><Errors> shape.
export class Ec2Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const bad = (code: string, message: string) => new Ec2Error(400, code, message);

export const errors = {
  missingParameter: (name: string) =>
    bad('MissingParameter', `The request must contain the parameter ${name}`),
  invalidParameterValue: (message: string) => bad('InvalidParameterValue', message),
  invalidParameterCombination: (message: string) => bad('InvalidParameterCombination', message),
  invalidAction: (action: string) =>
    bad('InvalidAction', `The action ${action} is not valid for this web service.`),
  groupNotFound: (id: string) => bad('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
  groupIdMalformed: (id: string) => bad('InvalidGroupId.Malformed', `Invalid id: "${id}"`),
  groupDuplicate: (name: string, vpcId: string) =>
    bad('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`),
  groupReserved: (name: string) =>
    bad('InvalidGroup.Reserved', `The security group '${name}' is reserved and cannot be created or deleted`),
  ruleNotFound: (id: string) =>
    bad('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`),
  permissionDuplicate: (peer: string) =>
    bad('InvalidPermission.Duplicate', `the specified rule "${peer}" already exists`),
  permissionNotFound: () =>
    bad('InvalidPermission.NotFound', 'The specified rule does not exist in this security group'),
  permissionRepeated: () =>
    bad('InvalidParameterValue', 'the same permission must not appear multiple times'),
  rulesPerGroupLimit: () =>
    bad(
      'RulesPerSecurityGroupLimitExceeded',
      'The maximum number of rules per security group has been reached.',
    ),
  groupsPerVpcLimit: (vpcId: string) =>
    bad(
      'SecurityGroupLimitExceeded',
      `The maximum number of security groups for VPC '${vpcId}' has been reached.`,
    ),
  groupsPerInterfaceLimit: () =>
    bad(
      'SecurityGroupsPerInterfaceLimitExceeded',
      'The maximum number of security groups per interface has been reached.',
    ),
  cannotDeleteDefault: (groupId: string) =>
    bad('CannotDelete', `the specified group: "${groupId}" name: "default" cannot be deleted by a user`),
  dependencyViolation: (groupId: string) =>
    bad('DependencyViolation', `resource ${groupId} has a dependent object`),
  instanceNotFound: (id: string) =>
    bad('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`),
  instanceHasSeveralInterfaces: (id: string) =>
    bad(
      'InvalidInstanceID',
      `There are multiple interfaces attached to instance '${id}'. Please specify an interface ID for the operation instead.`,
    ),
  differentNetworks: (groupId: string, interfaceId: string) =>
    bad(
      'InvalidParameter',
      `Security group ${groupId} and interface ${interfaceId} belong to different networks.`,
    ),
  interfaceNotFound: (id: string) =>
    bad('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`),
  vpcNotFound: (id: string) => bad('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`),
  subnetNotFound: (id: string) => bad('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`),
  noDefaultVpc: () => bad('VPCIdNotSpecified', 'No default VPC for this user'),
  resourceIdMalformed: (id: string) => bad('InvalidID', `The ID '${id}' is not valid`),
  tagLimitExceeded: () =>
    bad('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.'),
  paginationToken: (token: string) => bad('InvalidPaginationToken', `Invalid pagination token: ${token}`),
  dryRun: () => new Ec2Error(412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'),
  unauthorized: () =>
    new Ec2Error(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.'),
  authFailure: () =>
    new Ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'),
  signatureMismatch: () =>
    new Ec2Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  throttled: () => new Ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.'),
};
