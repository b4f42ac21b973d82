// What every action handler gets, and how actions are declared (the dispatcher's table).
import type { AwsPrincipal } from '../../shared/principals';
import type { QueryParams } from '../query';
import type { ViewScope } from '../views';
import type { XmlNode } from '../xml';

export interface ActionContext extends ViewScope {
  params: QueryParams;
  principal: AwsPrincipal;
  /** The emulator's now, ISO-8601 (for launch and attach times). */
  now: string;
  /** Every region the world offers (DescribeRegions). */
  regionNames: readonly string[];
}

/** EC2's throttling classes: each has its own token bucket per account and region. */
export type ActionClass = 'describe' | 'mutate' | 'resource-intensive';

export interface ActionSpec {
  service: 'ec2' | 'sts';
  class: ActionClass;
  /**
   * Checks the request and returns the function that applies it: every error is thrown before the
   * first change, so a failed call leaves the world as it was.
   */
  prepare(ctx: ActionContext): () => XmlNode;
}

export type ActionTable = Record<string, ActionSpec>;

export const describe = (run: (ctx: ActionContext) => XmlNode): ActionSpec => ({
  service: 'ec2',
  class: 'describe',
  prepare: (ctx) => {
    const body = run(ctx);
    return () => body;
  },
});

export const mutate = (
  prepare: (ctx: ActionContext) => () => XmlNode,
  cls: ActionClass = 'mutate',
): ActionSpec => ({
  service: 'ec2',
  class: cls,
  prepare,
});
