import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLiveContext, completionsAt, extractAttributeUsage, hoverAt, type AttributeUsage, type LiveSource } from '../../src/core/request';
import { DEMO_FLOWS, DEMO_INSTANCE_ID } from '../../src/sandbox/catalog';
import { median, type Figure } from './support';


/**
 * What the editor's completion provider does per request once the account cache is warm: build
 * the live context from cached instances, flows and flow contents (the selected flow plus the
 * flows it transfers to), then the live candidates at the cursor. The cache here is plain maps
 * filled the way AccountCache holds them: 20 instances, 500 flows, the demo flow contents.
 */
export function bench(): Promise<Figure[]> {
  const demo = (name: string): string => readFileSync(join(process.cwd(), 'src/sandbox/demo', `${name}.flow.json`), 'utf8');
  const instances = Array.from({ length: 20 }, (_, i) => ({ Id: i === 0 ? DEMO_INSTANCE_ID : `inst-${i}`, InstanceAlias: i === 0 ? 'chatreq-demo' : `instance-${i}` }));
  const flows = [
    { Id: DEMO_FLOWS.supportBot, Name: 'Support Bot', ContactFlowType: 'CONTACT_FLOW', ContactFlowState: 'ACTIVE', ContactFlowStatus: 'PUBLISHED' },
    ...Array.from({ length: 499 }, (_, i) => ({ Id: `flow-${i}`, Name: `Flow ${i}`, ContactFlowType: 'CONTACT_FLOW', ContactFlowState: 'ACTIVE' })),
  ];
  const contents = new Map<string, string>([
    [DEMO_FLOWS.supportBot, demo('supportBot')],
    [DEMO_FLOWS.orderStatus, demo('orderStatus')],
    [DEMO_FLOWS.afterHours, demo('afterHours')],
  ]);
  const usages = new Map<string, AttributeUsage>();
  const cache: LiveSource = {
    instances: () => instances,
    flows: (id) => (id === DEMO_INSTANCE_ID ? flows : undefined),
    // As the account cache does: each flow's content parsed once, then the parsed usage reused.
    flowUsage: (_i, f) => {
      const content = contents.get(f);
      if (content === undefined) return undefined;
      let u = usages.get(f);
      if (!u) usages.set(f, (u = extractAttributeUsage(content)));
      return u;
    },
  };
  const head = `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": "${DEMO_FLOWS.supportBot}",\n  "ParticipantDetails": { "DisplayName": "A" },\n`;
  const attrText = `${head}  "Attributes": {  }\n}\n`;
  const attrOffset = attrText.indexOf('{  }') + 2;
  const instText = '{\n  "InstanceId": "",\n  "ParticipantDetails": { "DisplayName": "A" }\n}\n';
  const instOffset = instText.indexOf('""') + 1;
  const flowText = `{\n  "InstanceId": "${DEMO_INSTANCE_ID}",\n  "ContactFlowId": ""\n}\n`;
  const flowOffset = flowText.indexOf('""') + 1;
  const hoverOffset = attrText.indexOf(DEMO_FLOWS.supportBot) + 2;

  const provider = (text: string, offset: number): number => completionsAt(text, offset, { ...buildLiveContext(text, cache), liveOnly: true }).length;
  if (provider(attrText, attrOffset) === 0 || provider(flowText, flowOffset) !== 500 || provider(instText, instOffset) !== 20) {
    throw new Error('the bench is not producing live candidates');
  }
  return Promise.resolve([
    { name: 'completion from cache: InstanceId (20 instances, median)', value: round(median(500, () => provider(instText, instOffset))), unit: 'ms' },
    { name: 'completion from cache: ContactFlowId (500 flows, median)', value: round(median(500, () => provider(flowText, flowOffset))), unit: 'ms' },
    { name: 'completion from cache: attribute keys, flow + 2 transfers (median)', value: round(median(500, () => provider(attrText, attrOffset))), unit: 'ms' },
    { name: 'hover from cache: flow name (median)', value: round(median(500, () => hoverAt(attrText, hoverOffset, { ...buildLiveContext(attrText, cache), liveOnly: true }))), unit: 'ms' },
  ]);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
