// What the local cloud prints when it is ready (its JSON line): everything a client needs to point the
// real SDK clients at it. It lives in cloud/ because both the local cloud (which produces it) and the
// grant service's local connection (which consumes it) depend on this layer.

export interface LocalCloudInfo {
  event: 'ready';
  azure: {
    endpoint: string;
    caPem: string;
    tenantId: string;
    principals: { name: string; role: string; token: string; objectId: string }[];
  };
  aws: {
    endpoint: string;
    principals: {
      name: string;
      accessKeyId: string;
      secretAccessKey: string;
      accountId: string;
      profile: string;
    }[];
    regions: string[];
  };
  admin: string[];
}
