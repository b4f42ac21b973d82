// Rendering responses in the shapes EC2 and STS send: EC2 `<{Action}Response>` with requestId and lists
// as <item> elements; EC2 errors as <Response><Errors>; STS results wrapped in {Action}Result.
import { XMLBuilder } from 'fast-xml-parser';
import type { Tags } from './state';

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
});

/** An XML element tree: undefined members are left out, arrays repeat the element. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | number | boolean | undefined | XmlNode | XmlNode[];

/** An EC2 list: `<name><item>..</item>...</name>`, an empty element when there is nothing. */
export function items(list: readonly XmlNode[]): XmlNode | '' {
  return list.length ? { item: [...list] } : '';
}

export function tagSet(tags: Tags): XmlNode | '' {
  return items(Object.entries(tags).map(([key, value]) => ({ key, value })));
}

export function ec2Response(action: string, requestId: string, body: XmlNode): string {
  return DECLARATION + builder.build({ [`${action}Response`]: { '@_xmlns': EC2_NS, requestId, ...body } });
}

export function ec2Error(code: string, message: string, requestId: string): string {
  return (
    DECLARATION +
    builder.build({ Response: { Errors: { Error: { Code: code, Message: message } }, RequestID: requestId } })
  );
}

export function stsResponse(action: string, requestId: string, result: XmlNode): string {
  return builder.build({
    [`${action}Response`]: {
      '@_xmlns': STS_NS,
      [`${action}Result`]: result,
      ResponseMetadata: { RequestId: requestId },
    },
  });
}

export function stsError(status: number, code: string, message: string, requestId: string): string {
  return builder.build({
    ErrorResponse: {
      '@_xmlns': STS_NS,
      Error: { Type: status >= 500 ? 'Receiver' : 'Sender', Code: code, Message: message },
      RequestId: requestId,
    },
  });
}
