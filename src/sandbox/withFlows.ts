/**
 * The sandbox with the flow runtime plugged in: what `chatreq sandbox` runs and what the extension
 * should start. Chats then run their flows; the demo instance's flows get their Lex bot, Lambda
 * mock, hours and queue, and a flows folder's own workspace files (`*.lexbot.json`,
 * `lambda-mocks.json`, `hours-of-operation.json`) are found next to its flows.
 */
import { DEMO_INSTANCE_ID, DEMO_QUEUES, readFlowsFolder } from './catalog';
import { createFlowRuntime, demoRuntimeOptions, discoverWorkspaceFiles, flowFinder, type FlowRuntime, type FlowRuntimeOptions } from './flow';
import { startSandbox, type SandboxHandle, type SandboxOptions } from './sandbox';

export interface FlowSandboxOptions extends Omit<SandboxOptions, 'runtime'> {
  /** Extra flow-runtime options (they win over the defaults set here). */
  flowRuntime?: Partial<FlowRuntimeOptions>;
}

export async function startSandboxWithFlows(options: FlowSandboxOptions = {}): Promise<SandboxHandle & { runtime: FlowRuntime }> {
  const { flowRuntime, ...sandboxOptions } = options;
  // Check the folder first, so a missing one is reported in words, not as discovery's raw ENOENT.
  if (options.flowsDir !== undefined) readFlowsFolder(options.flowsDir);
  const workspace = options.flowsDir !== undefined ? discoverWorkspaceFiles(options.flowsDir) : {};
  const handle = await startSandbox(sandboxOptions);
  try {
    const runtime = createFlowRuntime({
      findFlow: flowFinder((instanceId) => handle.instances.find((i) => i.id === instanceId)?.flows ?? []),
      findQueue: (instanceId, ref) =>
        instanceId === DEMO_INSTANCE_ID ? DEMO_QUEUES.find((q) => q.id === ref || q.arn === ref || q.name === ref) : undefined,
      clock: () => handle.clock.now(),
      ...demoRuntimeOptions(),
      ...workspace,
      ...flowRuntime,
    });
    handle.setRuntime(runtime);
    return Object.assign(handle, { runtime });
  } catch (e) {
    await handle.close();
    throw e;
  }
}
