/** Links into the Amazon Connect admin website for "Open in Amazon Connect". */

/**
 * The flow designer page for a flow, built on the instance's access URL (from ListInstances or
 * DescribeInstance: `https://alias.my.connect.aws/` or the older `https://alias.awsapps.com/connect/`).
 */
export function flowDesignerUrl(instanceAccessUrl: string, flowArn: string): string {
  const base = instanceAccessUrl.endsWith('/') ? instanceAccessUrl : `${instanceAccessUrl}/`;
  const url = new URL('contact-flows/edit', base);
  url.searchParams.set('id', flowArn);
  return url.toString();
}
