import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { setModuleFile } from "./blueprint-stack";
import { ofType } from "./terraform";

/**
 * The account and region a module is applied in, read once per stack: several building blocks
 * (key policies, ARNs of resources that do not exist yet) need them, and a second
 * `data.aws_caller_identity.current` would be an address clash.
 */
export class AwsContext extends Construct {
  readonly callerIdentity: DataAwsCallerIdentity;
  readonly accountId: string;
  readonly region: string;

  /** The stack's one AwsContext, created on first use. */
  static of(scope: Construct): AwsContext {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild(CONTEXT_ID) as AwsContext | undefined) ?? new AwsContext(stack, CONTEXT_ID);
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    setModuleFile(this, "main");
    this.callerIdentity = new DataAwsCallerIdentity(this, "current", {});
    this.accountId = this.callerIdentity.accountId;
    this.region = new DataAwsRegion(ofType(this, "region"), "current", {}).region;
  }
}

const CONTEXT_ID = "aws_context";
