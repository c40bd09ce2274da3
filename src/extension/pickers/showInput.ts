import * as vscode from 'vscode';

/** The input box shown now by showInput (integration tests answer it as a user would). */
let active: vscode.InputBox | undefined;
export function activeInputBox(): vscode.InputBox | undefined {
  return active;
}

export interface InputOptions {
  title: string;
  prompt: string;
  value: string;
  valueSelection?: [number, number];
  /** A problem with the value, or undefined when it may be accepted. */
  validate: (value: string) => string | undefined | Promise<string | undefined>;
}

/**
 * Shows an input box and resolves with the accepted value (undefined when dismissed). The value is
 * checked as it is typed (busy while a check runs; a stale answer is dropped) and again on Enter,
 * so Enter never accepts a value that has a problem.
 */
export function showInput(options: InputOptions): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.prompt = options.prompt;
  box.value = options.value;
  if (options.valueSelection) box.valueSelection = options.valueSelection;
  active = box;
  let checks = 0;
  const check = async (value: string): Promise<string | undefined> => {
    const n = ++checks;
    box.busy = true;
    const problem = await options.validate(value);
    if (n === checks) {
      box.busy = false;
      box.validationMessage = problem;
    }
    return problem;
  };
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    box.onDidChangeValue((v) => void check(v));
    box.onDidAccept(async () => {
      const value = box.value;
      if ((await check(value)) !== undefined || done) return;
      done = true;
      resolve(value);
      box.hide();
    });
    box.onDidHide(() => {
      if (active === box) active = undefined;
      box.dispose();
      if (!done) {
        done = true;
        resolve(undefined);
      }
    });
    box.show();
    void check(box.value);
  });
}
